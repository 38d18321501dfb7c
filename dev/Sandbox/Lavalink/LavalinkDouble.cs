using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Lavalink;

/// <summary>
/// An offline stand-in for a Lavalink v4 server on 127.0.0.1: the WebSocket with sessions and resuming, REST
/// with synthetic tracks, players whose tracks "play" on a <see cref="TimeProvider"/> clock, scripted faults,
/// and a record of every call. It can be stopped and restarted on the same port to test a bot's recovery.
/// </summary>
public sealed class LavalinkDouble : IAsyncDisposable
{
    private readonly LavalinkEngine _engine;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _app;
    private int _port;
    private bool _disposed;
    private bool _hasRun;

    private LavalinkDouble(LavalinkEngine engine, int port)
    {
        _engine = engine;
        _port = port;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>: the bot's Lavalink REST base.</summary>
    public string BaseUrl => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}");

    /// <summary><c>ws://127.0.0.1:PORT/v4/websocket</c>.</summary>
    public Uri WebSocketUrl => new(string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{_port}{LavalinkEndpoints.WebSocketPath}"));

    public int Port => _port;

    public string Password => _engine.Options.Password;

    public string Version => _engine.Options.Version;

    public bool IsRunning => Volatile.Read(ref _app) is not null;

    /// <summary>Every request (REST and WebSocket handshakes), oldest first; paths are absolute, e.g. <c>/v4/sessions/…/players/1</c>.</summary>
    public IReadOnlyList<RecordedCall> Calls => _engine.Recorder.Snapshot();

    /// <summary>All players of all sessions, by guild id, with positions as of now.</summary>
    public IReadOnlyList<LavalinkPlayerSnapshot> Players => _engine.PlayerSnapshots();

    public IReadOnlyList<LavalinkSessionSnapshot> Sessions => _engine.SessionSnapshots();

    /// <summary>Every event op produced, delivered or not, in order.</summary>
    public IReadOnlyList<LavalinkEmittedEvent> Events => _engine.EventSnapshot();

    public static async Task<LavalinkDouble> StartAsync(LavalinkDoubleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var engine = new LavalinkEngine(options);
        var lavalink = new LavalinkDouble(engine, options.Port);
        try
        {
            await lavalink.StartHostAsync(cancellationToken);
        }
        catch
        {
            engine.EndAllSessions();
            throw;
        }

        return lavalink;
    }

    public LavalinkPlayerSnapshot? GetPlayer(ulong guildId) => Players.FirstOrDefault(player => player.GuildId == guildId);

    /// <summary>
    /// "Kills" the server: WebSockets drop without a close frame and the port is released. Sessions stay in
    /// memory (a resumable one keeps playing and queues events), so after <see cref="RestartAsync"/> a client
    /// reconnecting with <c>Session-Id</c> resumes. Call <see cref="ForgetSessions"/> to play a real restart.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StopHostAsync(cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server if it runs, then starts it again on the same port.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopHostAsync(cancellationToken);
            await StartHostAsync(cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Drops every WebSocket abruptly while the server keeps running (a network blip).</summary>
    public async Task DropConnectionsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var connection in _engine.TakeConnections())
        {
            connection.Abort();
        }

        await WaitUntilAsync(() => Sessions.All(session => !session.Connected), TimeSpan.FromSeconds(10), "every WebSocket to close", cancellationToken);
    }

    /// <summary>
    /// Ends every session and player (dropping any WebSocket still open), as a real Lavalink restart does:
    /// clients then get a new session and must build their players again.
    /// </summary>
    public void ForgetSessions()
    {
        foreach (var connection in _engine.TakeConnections())
        {
            connection.Abort();
        }

        _engine.EndAllSessions();
    }

    /// <summary>The guild's next track fails once started: TrackStartEvent, TrackExceptionEvent, then TrackEndEvent <c>loadFailed</c>.</summary>
    public void FailNextTrack(ulong guildId, string message = "Sandbox: something broke while playing", string severity = "common") =>
        _engine.EnqueueFault(guildId, new LavalinkEngine.TrackFault(
            new ExceptionWire { Message = message, Severity = severity, Cause = "java.lang.RuntimeException: " + message, CauseStackTrace = "" },
            0));

    /// <summary>The guild's next track reports TrackStuckEvent right after it starts and keeps playing (Lavalink does not stop it).</summary>
    public void StickNextTrack(ulong guildId, TimeSpan? threshold = null) =>
        _engine.EnqueueFault(guildId, new LavalinkEngine.TrackFault(null, (long)(threshold ?? _engine.Options.TrackStuckThreshold).TotalMilliseconds));

    /// <summary>
    /// Sends a WebSocketClosedEvent as if Discord closed the guild's voice connection (4006 session invalid,
    /// 4014 disconnected/kicked, 4015 voice server crashed, 4017 DAVE required). Except for 4015, which Lavalink
    /// recovers from itself, the player is disconnected until it gets a voice state again.
    /// </summary>
    /// <returns>False when no session has a player for the guild.</returns>
    public bool CloseVoiceConnection(ulong guildId, int code, string? reason = null, bool byRemote = true) =>
        _engine.CloseVoice(guildId, code, reason ?? DefaultCloseReason(code), byRemote, disconnect: code != 4015);

    /// <summary>Completes with the guild's player once <paramref name="predicate"/> holds for it.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/> (real time); the message shows the last state.</exception>
    public async Task<LavalinkPlayerSnapshot> WaitForPlayerAsync(ulong guildId, Func<LavalinkPlayerSnapshot, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        LavalinkPlayerSnapshot? match = null;
        await WaitUntilAsync(() => (match = GetPlayer(guildId)) is { } player && predicate(player), timeout, $"player {guildId} to match (last: {GetPlayer(guildId)?.ToString() ?? "none"})", cancellationToken);
        return match!;
    }

    /// <summary>Completes with the first emitted event matching <paramref name="predicate"/>, or at once if one already was.</summary>
    public async Task<LavalinkEmittedEvent> WaitForEventAsync(Func<LavalinkEmittedEvent, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        LavalinkEmittedEvent? match = null;
        await WaitUntilAsync(() => (match = Events.FirstOrDefault(predicate)) is not null, timeout, "a matching event", cancellationToken);
        return match!;
    }

    public async Task<LavalinkSessionSnapshot> WaitForSessionAsync(Func<LavalinkSessionSnapshot, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        LavalinkSessionSnapshot? match = null;
        await WaitUntilAsync(() => (match = Sessions.FirstOrDefault(predicate)) is not null, timeout, "a matching session", cancellationToken);
        return match!;
    }

    /// <summary>Completes once <paramref name="condition"/> holds for the double (checked every 10 ms, real time).</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
    public Task WaitUntilAsync(Func<LavalinkDouble, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitUntilAsync(() => condition(this), timeout, "the condition", cancellationToken);
    }

    /// <summary>Completes when a call matching <paramref name="predicate"/> is recorded, or at once if one already was.</summary>
    public Task<RecordedCall> WaitForCallAsync(Func<RecordedCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _engine.Recorder.WaitAsync(predicate, timeout, cancellationToken);

    public void ClearCalls() => _engine.Recorder.Clear();

    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopHostAsync(CancellationToken.None);
            _engine.EndAllSessions();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private static string DefaultCloseReason(int code) => code switch
    {
        4006 => "Session is no longer valid.",
        4014 => "Disconnected.",
        4015 => "Voice server crashed.",
        4017 => "E2EE/DAVE protocol required.",
        _ => "Voice WebSocket closed.",
    };

    /// <summary>
    /// Polls in real time: positions move continuously, so there is no single change to be woken by, and these
    /// waits bound how long a test waits for another process (the bot).
    /// </summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() >= deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}."));
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private async Task StartHostAsync(CancellationToken cancellationToken)
    {
        // Right after a stop the port can take a moment to be free again; a few quick retries cover that.
        for (var attempt = 1; ; attempt++)
        {
            var app = BuildHost(_port);
            try
            {
                await app.StartAsync(cancellationToken);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                _port = new Uri(address).Port;
                Volatile.Write(ref _app, app);
                return;
            }
            catch (IOException) when (attempt < 20 && _hasRun)
            {
                await app.DisposeAsync();
                await Task.Delay(100, cancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
    }

    private async Task StopHostAsync(CancellationToken cancellationToken)
    {
        var app = Volatile.Read(ref _app);
        if (app is null)
        {
            return;
        }

        _hasRun = true;
        foreach (var connection in _engine.TakeConnections())
        {
            connection.Abort();
        }

        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
        Volatile.Write(ref _app, null);
    }

    private WebApplication BuildHost(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LavalinkDouble).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Loopback only, like the Discord sandbox.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        builder.Logging.ClearProviders();
        if (_engine.Options.ConfigureLogging is { } configure)
        {
            configure(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime>(new EmbeddedHostLifetime());
        var app = builder.Build();
        LavalinkControlEndpoints.Map(app, this, _engine);
        LavalinkEndpoints.Map(app, _engine);
        return app;
    }
}
