using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway;
using Serverless.Discord.Rest;
using Serverless.Ports.Sessions;

namespace Serverless.Discord.Hosting;

public static class DiscordGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GatewayShardManager"/> with the <see cref="ClientWebSocketGatewayConnector"/> transport and
    /// <see cref="GatewayOptions"/> bound from <see cref="GatewayOptions.SectionName"/>, both validated at start with the
    /// bot token (<see cref="DiscordGatewayCredentialsValidator"/>). The host registers
    /// <see cref="IGatewayDispatchHandler"/>, <see cref="IGatewaySessionStore"/> and <c>AddDiscordRest</c> (for <c>GET /gateway/bot</c>);
    /// then runs <see cref="GatewayShardManager.RunAsync"/> from a background service.
    /// </summary>
    public static IServiceCollection AddDiscordGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStartWith<GatewayOptions, GatewayOptionsValidator>();
        services.AddOptions<DiscordOptions>().ValidateOnStartWith<DiscordOptions, DiscordGatewayCredentialsValidator>();
        services.TryAddSingleton<IGatewayConnector>(provider => new ClientWebSocketGatewayConnector(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGatewayBotInfoSource, RestGatewayBotInfoSource>();
        services.TryAddSingleton(provider =>
        {
            var discord = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new GatewayShardManager(
                provider.GetRequiredService<IGatewayBotInfoSource>(),
                provider.GetRequiredService<IGatewayConnector>(),
                provider.GetRequiredService<IGatewaySessionStore>(),
                provider.GetRequiredService<IGatewayDispatchHandler>(),
                provider.GetService<DiscordCredentials>() ?? new DiscordCredentials(discord.BotToken),
                provider.GetRequiredService<IOptions<GatewayOptions>>().Value,
                string.IsNullOrWhiteSpace(discord.GatewayUrl) ? null : new Uri(discord.GatewayUrl),
                provider.GetRequiredService<TimeProvider>(),
                Random.Shared,
                provider.GetRequiredService<ILoggerFactory>());
        });
        return services;
    }
}
