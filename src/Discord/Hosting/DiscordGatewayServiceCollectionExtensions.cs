using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway;
using Serverless.Discord.Rest;
using Serverless.Domain.Companion;

namespace Serverless.Discord.Hosting;

public static class DiscordGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GatewayShardManager"/> with the <see cref="ClientWebSocketGatewayConnector"/> transport and
    /// <see cref="GatewayOptions"/> validation. The host binds <see cref="GatewayOptions.SectionName"/> and registers
    /// <see cref="IGatewayDispatchHandler"/>, <see cref="IGatewaySessionStore"/> and <c>AddDiscordRest()</c> (for <c>GET /gateway/bot</c>);
    /// then runs <see cref="GatewayShardManager.RunAsync"/> from a background service.
    /// </summary>
    public static IServiceCollection AddDiscordGateway(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptions<DiscordOptions>()
            .Validate(options => !string.IsNullOrWhiteSpace(options.BotToken), "Discord__BotToken is missing: the gateway identifies with the bot token.")
            .Validate(options => string.IsNullOrWhiteSpace(options.GatewayUrl) || DiscordOptionsValidator.IsWebSocketUrl(options.GatewayUrl), "Discord__GatewayUrl is malformed: it must be an absolute ws:// or wss:// URL, or unset.")
            .ValidateOnStart();
        services.TryAddSingleton<IGatewayConnector>(provider => new ClientWebSocketGatewayConnector(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGatewayBotInfoSource>(provider => new RestGatewayBotInfoSource(provider.GetRequiredService<DiscordRestClient>));
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
