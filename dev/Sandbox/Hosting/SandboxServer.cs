using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Sandbox.Console;
using Serverless.Sandbox.Endpoints;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Recording;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Hosting;

/// <summary>
/// An offline stand-in for Discord on 127.0.0.1: serves Discord's REST API under <c>/api/v10</c> from an
/// in-memory state, records every call, sends signed interactions to a bot, and runs a gateway on <c>/gateway</c>.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    public const string ApiPrefix = "/api/v10";
    public const string ControlPrefix = "/_sandbox";

    private readonly WebApplication _app;
    private readonly SandboxContext _sandbox;
    private int _disposed;

    private SandboxServer(WebApplication app, SandboxContext sandbox)
    {
        _app = app;
        _sandbox = sandbox;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => _sandbox.BaseUrl;

    /// <summary><see cref="BaseUrl"/> + <c>/api/v10</c>: the bot's <c>Discord__ApiBaseUrl</c>.</summary>
    public string ApiBaseUrl => _sandbox.ApiBaseUrl;

    public int Port => new Uri(BaseUrl).Port;

    public ulong ApplicationId => _sandbox.Options.ApplicationId;

    /// <summary>Hex Ed25519 public key: the bot's <c>Discord__PublicKey</c>.</summary>
    public string PublicKeyHex => _sandbox.SigningKey.PublicKeyHex;

    /// <summary>The fake token the sandbox accepts now: the bot's <c>Discord__BotToken</c>, until <see cref="RotateBotToken"/>.</summary>
    public string BotToken => _sandbox.BotToken.Current;

    /// <summary>
    /// Resets the bot token (as <c>POST /_sandbox/token</c>): <paramref name="token"/> or a random one becomes the only
    /// one accepted; REST calls with the old one get 401 and gateway sessions it identified are closed with 4004.
    /// </summary>
    public string RotateBotToken(string? token = null) => _sandbox.RotateBotToken(token);

    public ulong BotUserId => _sandbox.State.BotUserId;

    public Uri BotInteractionsUrl => _sandbox.Options.BotInteractionsUrl;

    /// <summary>A snapshot of the recorded API calls, oldest first.</summary>
    public IReadOnlyList<RecordedCall> Calls => _sandbox.Recorder.Snapshot();

    public FaultInjector Faults => _sandbox.Faults;

    public SandboxState State => _sandbox.State;

    public InteractionSender Interactions => _sandbox.Sender;

    /// <summary>The gateway double on <c>ws://127.0.0.1:PORT/gateway</c>: users' voice states, scripted faults, what clients sent.</summary>
    public GatewayDouble Gateway => _sandbox.Gateway;

    /// <summary><c>ws://127.0.0.1:PORT/gateway</c>; clients add <c>?v=10&amp;encoding=json</c>.</summary>
    public string GatewayUrl => _sandbox.Gateway.Url;

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SandboxServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Loopback only: this is a fake Discord with a fake token, never something to expose.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));

        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is { } configure)
        {
            configure(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime>(new EmbeddedHostLifetime());
        builder.Services.AddSingleton(provider => new SandboxContext(options, provider.GetRequiredService<ILoggerFactory>()));

        var app = builder.Build();
        var sandbox = app.Services.GetRequiredService<SandboxContext>();
        Map(app);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sandbox.BaseUrl = address.TrimEnd('/');
        return new SandboxServer(app, sandbox);
    }

    /// <summary>Completes when a call matching <paramref name="predicate"/> is recorded, or at once if one already was.</summary>
    /// <exception cref="TimeoutException">No such call within <paramref name="timeout"/> (real time); the message lists the last calls.</exception>
    public Task<RecordedCall> WaitForCallAsync(Func<RecordedCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _sandbox.Recorder.WaitAsync(predicate, timeout, cancellationToken);

    /// <summary>Forgets the recorded calls; sequence numbers keep counting.</summary>
    public void ClearCalls() => _sandbox.Recorder.Clear();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Open WebSockets would otherwise hold the server's shutdown until its timeout.
        _sandbox.Gateway.Stop();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    /// <summary>
    /// The route table. Each Discord resource is one endpoint group on <c>/api/v10</c>; the gateway
    /// (WebSocket) is mapped beside them at <c>/gateway</c>.
    /// </summary>
    private static void Map(WebApplication app)
    {
        app.Use(DiscordApiMiddleware.InvokeAsync);

        // No WebSocket-level pings: liveness on the gateway is the protocol's own heartbeat, as on Discord.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.MapGateway();

        var api = app.MapGroup(ApiPrefix);
        api.AddEndpointFilter(DiscordRouteFilter.InvokeAsync);
        api.MapInteractionWebhooks();
        api.MapInteractionCallbacks();
        api.MapChannelMessages();
        api.MapGuildsAndChannels();
        api.MapApplicationCommands();
        api.MapUsersAndGateway();
        api.Map("/{**path}", static () => DiscordResults.NotFound());

        app.MapSandboxControl();
        app.MapSandboxConsoleApi();
        app.MapGatewayControl();
        app.MapConsole();
    }
}
