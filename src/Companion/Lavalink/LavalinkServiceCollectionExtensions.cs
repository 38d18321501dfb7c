using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Hosting;
using Serverless.Domain.Hosting;

namespace Serverless.Companion.Lavalink;

/// <summary>
/// What the Lavalink connection waits for before its first handshake: the bot's user id (from the gateway's READY)
/// and, optionally, the session id a previous run of the companion saved.
/// </summary>
public sealed class LavalinkConnectionInputs
{
    private readonly TaskCompletionSource<ulong> _botUserId = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <see cref="SetBotUserId"/> is called.</summary>
    public Task<ulong> BotUserId => _botUserId.Task;

    /// <summary>Set before the host starts to resume the previous run's Lavalink session (see <see cref="LavalinkClient.SessionId"/>).</summary>
    public string? ResumeSessionId { get; set; }

    /// <summary>Called on the gateway's READY with <c>user.id</c>; later calls are ignored (the bot's id never changes).</summary>
    public void SetBotUserId(ulong userId)
    {
        ArgumentOutOfRangeException.ThrowIfZero(userId);
        _botUserId.TrySetResult(userId);
    }
}

/// <summary>Hands the bot's user id from the gateway's READY to <see cref="LavalinkConnectionInputs"/>.</summary>
public sealed class LavalinkBotUserFromReady(LavalinkConnectionInputs inputs) : IGatewayEventHandler<GatewayReady>
{
    public Task HandleAsync(GatewayReady gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        inputs.SetBotUserId(gatewayEvent.BotUserId);
        return Task.CompletedTask;
    }
}

public static class LavalinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LavalinkOptions"/> (section <c>Lavalink</c>, validated at start), the named
    /// <see cref="HttpClient"/> <see cref="LavalinkClient.HttpClientName"/>, <see cref="LavalinkClient"/> as a singleton
    /// and as <see cref="ILavalinkPlayers"/>, <see cref="LavalinkConnectionInputs"/> fed the bot's id by the gateway's
    /// READY (<see cref="LavalinkBotUserFromReady"/>), <see cref="LavalinkMetrics"/> (its players gauge reads an
    /// <see cref="IPlayingPlayerCount"/> when one is registered), and a hosted service that runs the connection. The host must also
    /// register an <see cref="ILavalinkEventHandler"/> (the music service) when Lavalink is configured; the hosted
    /// service takes it in its constructor (nothing depends on that service, so the handler may depend on
    /// <see cref="ILavalinkPlayers"/>).
    /// <code>
    /// builder.Services.AddSingleton&lt;MusicService&gt;();
    /// builder.Services.AddSingleton&lt;ILavalinkEventHandler&gt;(sp =&gt; sp.GetRequiredService&lt;MusicService&gt;());
    /// builder.Services.AddLavalink(builder.Configuration);
    /// var app = builder.Build();
    /// app.Services.GetRequiredService&lt;LavalinkConnectionInputs&gt;().ResumeSessionId = savedLavalinkSessionId; // optional
    /// // health: app.Services.GetRequiredService&lt;LavalinkClient&gt;().Health
    /// </code>
    /// </summary>
    public static IServiceCollection AddLavalink(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<LavalinkOptions>().Bind(configuration.GetSection(LavalinkOptions.SectionName)).ValidateOnStartWith<LavalinkOptions, LavalinkOptionsValidator>();
        services.TryAddSingleton<LavalinkConnectionInputs>();
        services.AddGatewayEventHandler<GatewayReady, LavalinkBotUserFromReady>();
        services.AddMetrics();
        services.TryAddSingleton<LavalinkMetrics>();
        services.TryAddSingleton<LavalinkClient>();
        services.TryAddSingleton<ILavalinkPlayers>(provider => provider.GetRequiredService<LavalinkClient>());
        services.AddHostedService<LavalinkConnectionService>();

        services.AddHttpClient(LavalinkClient.HttpClientName, (provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<LavalinkOptions>>().Value;
                // Timeouts run on the TimeProvider per call (LavalinkOptions.RequestTimeout).
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (options.IsConfigured)
                {
                    client.BaseAddress = options.GetBaseUri();
                    client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", options.Password);
                }
            })
            // Ours log what matters; the factory's would add a line per player update.
            .RemoveAllLoggers();
        return services;
    }
}

/// <summary>
/// Runs <see cref="LavalinkClient.RunAsync"/> for the host's lifetime. The event handler is optional here only so that a
/// host without Lavalink configured needs none; configured without one is refused when the connection starts.
/// </summary>
internal sealed class LavalinkConnectionService(LavalinkClient client, LavalinkConnectionInputs inputs, ILavalinkEventHandler? eventHandler = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!client.IsConfigured)
        {
            return client.RunAsync(Task.FromResult(0UL), NoHandler.Instance, null, stoppingToken);
        }

        var handler = eventHandler
            ?? throw new InvalidOperationException(
                "Lavalink is configured but no ILavalinkEventHandler is registered: register the music service as ILavalinkEventHandler (services.AddSingleton<ILavalinkEventHandler, …>()).");
        return client.RunAsync(inputs.BotUserId, handler, inputs.ResumeSessionId, stoppingToken);
    }

    private sealed class NoHandler : ILavalinkEventHandler
    {
        public static readonly NoHandler Instance = new();

        public Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
