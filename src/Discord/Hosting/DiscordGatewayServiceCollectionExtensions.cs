using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Gateway;
using Serverless.Discord.Rest;
using Serverless.Domain.Hosting;
using Serverless.Ports.Sessions;

namespace Serverless.Discord.Hosting;

public static class DiscordGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GatewayShardManager"/> with the <see cref="ClientWebSocketGatewayConnector"/> transport and
    /// <see cref="GatewayOptions"/> bound from <see cref="GatewayOptions.SectionName"/>, both validated at start with the
    /// bot token (<see cref="DiscordGatewayCredentialsValidator"/>); the <see cref="GatewayEventDispatcher"/> as the
    /// shards' <see cref="IGatewayDispatchHandler"/> (unless the host registered its own), which hands typed events to
    /// every <see cref="IGatewayEventHandler{TEvent}"/> (register them with <see cref="AddGatewayEventHandler{TEvent, THandler}"/>);
    /// the <see cref="GatewayShardRegistry"/> as <see cref="IGatewayCommandSender"/>; and <see cref="GatewayMetrics"/>
    /// (meter <c>Serverless.Discord.Gateway</c>). The host registers
    /// <see cref="IGatewaySessionStore"/> and <c>AddDiscordRest</c> (for <c>GET /gateway/bot</c>), then runs
    /// <see cref="GatewayShardManager.RunAsync"/> from a background service.
    /// </summary>
    public static IServiceCollection AddDiscordGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStartWith<GatewayOptions, GatewayOptionsValidator>();
        services.AddOptions<DiscordOptions>().ValidateOnStartWith<DiscordOptions, DiscordGatewayCredentialsValidator>();
        services.TryAddSingleton<IGatewayConnector>(provider => new ClientWebSocketGatewayConnector(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IGatewayBotInfoSource, RestGatewayBotInfoSource>();
        services.TryAddSingleton<IGatewayDispatchHandler, GatewayEventDispatcher>();
        services.TryAddSingleton<GatewayShardRegistry>();
        services.TryAddSingleton<IGatewayCommandSender>(provider => provider.GetRequiredService<GatewayShardRegistry>());
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddDiscordCredentials();
        services.TryAddSingleton(provider =>
        {
            var discord = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new GatewayShardManager(
                provider.GetRequiredService<IGatewayBotInfoSource>(),
                provider.GetRequiredService<IGatewayConnector>(),
                provider.GetRequiredService<IGatewaySessionStore>(),
                provider.GetRequiredService<IGatewayDispatchHandler>(),
                provider.GetRequiredService<GatewayShardRegistry>(),
                provider.GetRequiredService<DiscordCredentials>(),
                provider.GetRequiredService<IOptions<GatewayOptions>>().Value,
                string.IsNullOrWhiteSpace(discord.GatewayUrl) ? null : new Uri(discord.GatewayUrl),
                provider.GetRequiredService<TimeProvider>(),
                Random.Shared,
                provider.GetRequiredService<ILoggerFactory>(),
                provider.GetRequiredService<GatewayMetrics>());
        });
        return services;
    }

    /// <summary>
    /// Makes the singleton <typeparamref name="THandler"/> a handler of <typeparamref name="TEvent"/>; one handler class
    /// may take several event types (call once per type), and one type may have several handlers, run in this order.
    /// </summary>
    public static IServiceCollection AddGatewayEventHandler<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services)
        where TEvent : notnull
        where THandler : class, IGatewayEventHandler<TEvent>
    {
        services.TryAddSingleton<THandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGatewayEventHandler<TEvent>, GatewayEventHandlerForwarder<TEvent, THandler>>());
        return services;
    }
}
