using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Discord.Hosting;

namespace Serverless.Companion.Voice;

public static class VoiceServiceCollectionExtensions
{
    /// <summary>
    /// Voice state tracking and connections. The host also registers an <see cref="IVoiceGatewaySender"/> (the gateway
    /// client's shard-routed op 4) and an <see cref="Lavalink.ILavalinkPlayers"/>, and feeds every dispatch to
    /// <see cref="VoiceConnectionCoordinator.OnDispatchAsync"/>, and calls <c>AddDiscordRest</c> (voice states are read over REST).
    /// </summary>
    public static IServiceCollection AddCompanionVoice(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VoiceOptions>().Bind(configuration.GetSection(VoiceOptions.SectionName)).ValidateOnStartWith<VoiceOptions, VoiceOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VoiceStateTracker>();
        services.TryAddSingleton<IVoiceStateLookup, DiscordVoiceStateLookup>();
        services.TryAddSingleton<VoiceConnectionCoordinator>();
        services.TryAddSingleton<IVoiceConnections>(provider => provider.GetRequiredService<VoiceConnectionCoordinator>());
        services.TryAddSingleton<IVoiceConnectionEvents>(provider => provider.GetRequiredService<VoiceConnectionCoordinator>());
        return services;
    }
}
