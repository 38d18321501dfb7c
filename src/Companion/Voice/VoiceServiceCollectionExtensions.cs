using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Gateway;
using Serverless.Discord.Hosting;
using Serverless.Domain.Hosting;

namespace Serverless.Companion.Voice;

public static class VoiceServiceCollectionExtensions
{
    /// <summary>
    /// Voice state tracking and connections, the coordinator handling the gateway's voice events. The host also calls
    /// <c>AddDiscordGateway</c> (the events, and <see cref="IGatewayCommandSender"/> for op 4) and <c>AddDiscordRest</c>
    /// (voice states are read over REST), and registers an <see cref="Lavalink.ILavalinkPlayers"/>.
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
        services.AddGatewayEventHandler<GatewayReady, VoiceConnectionCoordinator>();
        services.AddGatewayEventHandler<GatewayGuildCreate, VoiceConnectionCoordinator>();
        services.AddGatewayEventHandler<GatewayGuildDelete, VoiceConnectionCoordinator>();
        services.AddGatewayEventHandler<GatewayVoiceStateUpdate, VoiceConnectionCoordinator>();
        services.AddGatewayEventHandler<GatewayVoiceServerUpdate, VoiceConnectionCoordinator>();
        return services;
    }
}
