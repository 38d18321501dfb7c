using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Lavalink;

/// <summary>
/// The Lavalink v4 client: one WebSocket (<c>/v4/websocket</c>) for what Lavalink pushes, REST for everything we ask.
/// <see cref="RunAsync"/> keeps the socket up (version gate, handshake, resume, back-off) until cancelled; the
/// <see cref="ILavalinkPlayers"/> members work while <see cref="IsAvailable"/> and otherwise throw
/// <see cref="LavalinkUnavailableException"/>. One instance per process (a singleton).
/// </summary>
public sealed partial class LavalinkClient : ILavalinkPlayers
{
    /// <summary>The named <see cref="HttpClient"/> registered by <c>AddLavalink</c>.</summary>
    public const string HttpClientName = "Lavalink";

    private readonly LavalinkOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LavalinkClient> _logger;
    private readonly LavalinkMetrics? _metrics;
    private readonly Lock _gate = new();

    private string _state;
    private string? _version;
    private string? _sessionId;
    private bool _socketOpen;
    private LavalinkStats? _stats;
    private string? _lastError;
    private DateTimeOffset? _since;
    private int _running;

    public LavalinkClient(IOptions<LavalinkOptions> options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<LavalinkClient> logger, LavalinkMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _httpClientFactory = httpClientFactory;
        _timeProvider = timeProvider;
        _logger = logger;
        _state = _options.IsConfigured ? LavalinkStates.Connecting : LavalinkStates.NotConfigured;
        _metrics = metrics;
        metrics?.ObserveNodeState(() => State);
    }

    /// <summary>Returns a number in [0, 1) that spreads reconnect delays; tests pin it.</summary>
    internal Func<double> Jitter { get; set; } = Random.Shared.NextDouble;

    /// <summary>Called once a reconnect delay has started (on the <see cref="TimeProvider"/>), with its length. For tests.</summary>
    internal Action<TimeSpan>? ReconnectScheduled { get; set; }

    public bool IsConfigured => _options.IsConfigured;

    /// <inheritdoc/>
    public bool IsAvailable
    {
        get
        {
            lock (_gate)
            {
                return _state == LavalinkStates.Ok && _socketOpen && _sessionId is not null;
            }
        }
    }

    /// <summary>
    /// The current (or, while disconnected, the last) Lavalink session id: sent as <c>Session-Id</c> on reconnect.
    /// Persist it (e.g. in <see cref="ILavalinkEventHandler.OnReadyAsync"/>) and pass it to <see cref="RunAsync"/> after
    /// a restart to resume within <see cref="LavalinkOptions.ResumeTimeout"/>.
    /// </summary>
    public string? SessionId
    {
        get
        {
            lock (_gate)
            {
                return _sessionId;
            }
        }
    }

    /// <summary>The <see cref="LavalinkStates"/> word <see cref="Health"/> reports, without building the rest of it.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public LavalinkHealth Health
    {
        get
        {
            lock (_gate)
            {
                return new LavalinkHealth(_state, _version, _sessionId, _stats, _lastError, _since);
            }
        }
    }

    /// <summary>
    /// Connects and stays connected until <paramref name="cancellationToken"/> fires. Waits for
    /// <paramref name="botUserId"/> (known after the gateway's READY) before the first handshake. Returns at once
    /// when Lavalink is not configured. Never throws for Lavalink's own failures: they become <see cref="Health"/>,
    /// <see cref="ILavalinkEventHandler.OnDisconnectedAsync"/> and a reconnect with capped exponential back-off.
    /// </summary>
    public async Task RunAsync(Task<ulong> botUserId, ILavalinkEventHandler handler, string? resumeSessionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(botUserId);
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("LavalinkClient.RunAsync is already running: one connection per client.");
        }

        try
        {
            await RunCoreAsync(botUserId, handler, resumeSessionId, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RunCoreAsync(Task<ulong> botUserId, ILavalinkEventHandler handler, string? resumeSessionId, CancellationToken cancellationToken)
    {
        if (!_options.IsConfigured)
        {
            SetState(LavalinkStates.NotConfigured, null);
            Log.NotConfigured(_logger);
            return;
        }

        if (!string.IsNullOrWhiteSpace(resumeSessionId))
        {
            lock (_gate)
            {
                _sessionId ??= resumeSessionId;
            }
        }

        var userId = await botUserId.WaitAsync(cancellationToken);
        if (userId == 0)
        {
            throw new ArgumentException("The bot user id must not be 0 (Lavalink refuses the handshake).", nameof(botUserId));
        }

        var baseUri = _options.GetBaseUri();
        var socketUri = new UriBuilder(new Uri(baseUri, "v4/websocket"))
        {
            Scheme = baseUri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        }.Uri;

        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var outcome = ConnectionOutcome.Failed;
            string reason;
            try
            {
                var check = await CreateRest().GetVersionAsync(cancellationToken);
                lock (_gate)
                {
                    _version = check.VersionText;
                }

                if (!check.Supported)
                {
                    SetState(LavalinkStates.Unsupported, check.Problem);
                    Log.Unsupported(_logger, check.VersionText, check.Problem!);
                    await DelayAsync(_options.ReconnectMaxDelay, cancellationToken);
                    continue;
                }

                if (check.Problem is not null)
                {
                    Log.VersionUnknown(_logger, check.VersionText);
                }

                (outcome, reason) = await ConnectAndReceiveAsync(socketUri, userId, handler, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is LavalinkException or LavalinkUnavailableException or WebSocketException or JsonException or HttpRequestException)
            {
                reason = exception.Message;
            }
            catch (Exception exception)
            {
                // Whatever it was, the connection must keep trying rather than take the companion's host down.
                Log.UnexpectedFailure(_logger, exception);
                reason = exception.GetType().Name + ": " + exception.Message;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var wasOpen = MarkDisconnected(reason);
            if (wasOpen)
            {
                Log.Disconnected(_logger, reason);
                StartHandler("OnDisconnected", () => handler.OnDisconnectedAsync(reason, cancellationToken));
            }
            else
            {
                Log.ConnectFailed(_logger, reason);
            }

            // A connection that reached ready starts the back-off again from the bottom.
            failures = outcome == ConnectionOutcome.WasReady ? 1 : failures + 1;
            var delay = ComputeBackoff(failures, _options.ReconnectMinDelay, _options.ReconnectMaxDelay, Jitter());
            Log.Reconnecting(_logger, delay.TotalMilliseconds, failures);
            try
            {
                await DelayAsync(delay, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        MarkDisconnected("stopped");
    }

    /// <summary>Capped exponential back-off with "equal jitter": between half and all of min·2^(attempt-1), never above max.</summary>
    internal static TimeSpan ComputeBackoff(int attempt, TimeSpan min, TimeSpan max, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(min.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        var spread = 0.5 + (0.5 * Math.Clamp(jitter, 0, 1));
        return TimeSpan.FromMilliseconds(Math.Max(min.TotalMilliseconds / 2, ceiling * spread));
    }

    public async Task<LoadResult> LoadTracksAsync(string identifier, CancellationToken cancellationToken)
    {
        RequireSession();
        return await CreateRest().LoadTracksAsync(identifier, cancellationToken);
    }

    public async Task<LavalinkPlayer> UpdatePlayerAsync(ulong guildId, LavalinkPlayerUpdate update, bool noReplace, CancellationToken cancellationToken)
    {
        var sessionId = RequireSession();
        return await CreateRest().UpdatePlayerAsync(sessionId, guildId, update, noReplace, cancellationToken);
    }

    public async Task<LavalinkPlayer?> GetPlayerAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var sessionId = RequireSession();
        return await CreateRest().GetPlayerAsync(sessionId, guildId, cancellationToken);
    }

    public async Task DestroyPlayerAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var sessionId = RequireSession();
        await CreateRest().DestroyPlayerAsync(sessionId, guildId, cancellationToken);
    }

    /// <summary><c>GET /v4/stats</c> (no session needed); also refreshes <see cref="Health"/>'s stats.</summary>
    public async Task<LavalinkStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        RequireConfigured();
        var stats = await CreateRest().GetStatsAsync(cancellationToken);
        lock (_gate)
        {
            _stats = stats;
        }

        return stats;
    }

    /// <summary><c>GET /v4/info</c> checked against the 4.2.0 minimum (no session needed).</summary>
    public async Task<LavalinkVersionCheck> GetVersionAsync(CancellationToken cancellationToken)
    {
        RequireConfigured();
        return await CreateRest().GetVersionAsync(cancellationToken);
    }

    private LavalinkRestClient CreateRest() =>
        new(_httpClientFactory.CreateClient(HttpClientName), _options.RequestTimeout, _timeProvider, _metrics);

    private void RequireConfigured()
    {
        if (!_options.IsConfigured)
        {
            throw new LavalinkUnavailableException("Audio server not configured: set Lavalink__Url and Lavalink__Password.");
        }
    }

    private string RequireSession()
    {
        RequireConfigured();
        lock (_gate)
        {
            if (_state == LavalinkStates.Ok && _socketOpen && _sessionId is { } sessionId)
            {
                return sessionId;
            }

            throw new LavalinkUnavailableException(_state switch
            {
                LavalinkStates.Unsupported => "Audio server unavailable: " + _lastError,
                LavalinkStates.Connecting => "Audio server unavailable: still connecting to Lavalink.",
                _ => "Audio server unavailable: Lavalink is disconnected" + (_lastError is null ? "." : $" ({_lastError})."),
            });
        }
    }

    private async Task<(ConnectionOutcome Outcome, string Reason)> ConnectAndReceiveAsync(Uri socketUri, ulong userId, ILavalinkEventHandler handler, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        string? resumeId;
        lock (_gate)
        {
            resumeId = _sessionId;
        }

        socket.Options.SetRequestHeader("Authorization", _options.Password);
        socket.Options.SetRequestHeader("User-Id", userId.ToString(CultureInfo.InvariantCulture));
        socket.Options.SetRequestHeader("Client-Name", _options.ClientName);
        if (resumeId is not null)
        {
            socket.Options.SetRequestHeader("Session-Id", resumeId);
        }

        socket.Options.CollectHttpResponseDetails = true;
        Log.Connecting(_logger, socketUri, resumeId ?? "-");

        using (var handshakeTimeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handshakeTimeout.Token))
        {
            try
            {
                await socket.ConnectAsync(socketUri, linked.Token);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LavalinkUnavailableException("Audio server unavailable: the Lavalink WebSocket handshake timed out.", exception);
            }
            catch (WebSocketException exception)
            {
                throw HandshakeFailure(socket.HttpStatusCode, exception);
            }
        }

        var resumedHeader = socket.HttpResponseHeaders?.TryGetValue("Session-Resumed", out var values) == true ? string.Join(",", values) : "-";
        socket.HttpResponseHeaders = null;
        lock (_gate)
        {
            _socketOpen = true;
        }

        Log.Connected(_logger, resumedHeader);

        var outcome = ConnectionOutcome.Opened;
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var stale = new CancellationTokenSource(_options.StaleSocketTimeout, _timeProvider);
        using var receiveToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stale.Token);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(4096), receiveToken.Token);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var reason = string.Create(CultureInfo.InvariantCulture, $"Lavalink closed the WebSocket ({(int?)socket.CloseStatus} {socket.CloseStatusDescription})");
                    await CloseQuietlyAsync(socket);
                    return (outcome, reason);
                }

                stale.CancelAfter(_options.StaleSocketTimeout);
                if (result.MessageType == WebSocketMessageType.Text && await DispatchAsync(buffer.WrittenMemory, handler, cancellationToken))
                {
                    outcome = ConnectionOutcome.WasReady;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (outcome, string.Create(CultureInfo.InvariantCulture, $"no frame from Lavalink for {_options.StaleSocketTimeout.TotalSeconds:0} s"));
        }
        catch (OperationCanceledException)
        {
            await CloseQuietlyAsync(socket);
            throw;
        }
        catch (WebSocketException exception)
        {
            return (outcome, "the WebSocket broke: " + exception.WebSocketErrorCode);
        }
    }

    /// <summary>Handles one op; true when it was <c>ready</c>.</summary>
    private async Task<bool> DispatchAsync(ReadOnlyMemory<byte> json, ILavalinkEventHandler handler, CancellationToken cancellationToken)
    {
        WebSocketMessageDto? message;
        try
        {
            message = JsonSerializer.Deserialize(json.Span, LavalinkJsonContext.Default.WebSocketMessageDto);
        }
        catch (JsonException exception)
        {
            Log.MalformedFrame(_logger, exception.Message);
            return false;
        }

        switch (message?.Op)
        {
            case "ready" when !string.IsNullOrEmpty(message.SessionId):
                await OnReadyAsync(message.SessionId, message.Resumed, handler, cancellationToken);
                return true;
            case "playerUpdate" when message.GuildId is { } guildId:
                StartHandler("OnPlayerUpdate", () => handler.OnPlayerUpdateAsync(guildId, LavalinkWireMapper.ToState(message.State), cancellationToken));
                return false;
            case "stats":
                var stats = LavalinkWireMapper.ToStats(message.Players, message.PlayingPlayers, message.Uptime, message.Cpu, _timeProvider.GetUtcNow());
                lock (_gate)
                {
                    _stats = stats;
                }

                return false;
            case "event":
                var lavalinkEvent = LavalinkWireMapper.ToEvent(message);
                if (lavalinkEvent is null)
                {
                    Log.UnknownEvent(_logger, message.Type ?? "-");
                    return false;
                }

                Log.EventReceived(_logger, message.Type!, lavalinkEvent.GuildId);
                if (lavalinkEvent is TrackExceptionEvent trackException)
                {
                    _metrics?.RecordTrackException(trackException.Severity);
                }

                StartHandler("OnEvent", () => handler.OnEventAsync(lavalinkEvent, cancellationToken));
                return false;
            default:
                Log.UnknownOp(_logger, message?.Op ?? "-");
                return false;
        }
    }

    private async Task OnReadyAsync(string sessionId, bool resumed, ILavalinkEventHandler handler, CancellationToken cancellationToken)
    {
        string? previous;
        lock (_gate)
        {
            previous = _sessionId;
            _sessionId = sessionId;
            _state = LavalinkStates.Ok;
            _lastError = null;
            _since = _timeProvider.GetUtcNow();
        }

        Log.Ready(_logger, sessionId, resumed, previous ?? "-");
        try
        {
            await CreateRest().UpdateSessionAsync(sessionId, resuming: true, _options.ResumeTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is LavalinkException or LavalinkUnavailableException)
        {
            // Still usable; only a restart of ours would lose the players.
            Log.ResumeConfigFailed(_logger, exception.Message);
            lock (_gate)
            {
                _lastError = "could not enable session resuming: " + exception.Message;
            }
        }

        StartHandler("OnReady", () => handler.OnReadyAsync(sessionId, resumed, cancellationToken));
    }

    /// <summary>
    /// Calls the handler in the order frames arrive but does not wait for what it returns: the receive loop must never
    /// wait on a guild's work (a slow guild would hold up every other guild's events and, past
    /// <see cref="LavalinkOptions.StaleSocketTimeout"/>, get the socket dropped as silent). A failure is logged.
    /// </summary>
    private void StartHandler(string name, Func<Task> call) => _ = CallHandlerAsync(name, call);

    private async Task CallHandlerAsync(string name, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The music code's bug must not take the audio connection down with it.
            Log.HandlerFailed(_logger, name, exception);
        }
    }

    private static Exception HandshakeFailure(HttpStatusCode status, WebSocketException exception) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new LavalinkException((int)status,
            string.Create(CultureInfo.InvariantCulture, $"Lavalink refused the WebSocket handshake (HTTP {(int)status}): wrong Lavalink password, check Lavalink__Password.")),
        HttpStatusCode.BadRequest => new LavalinkException(400, "Lavalink refused the WebSocket handshake (HTTP 400): the User-Id or Client-Name header is missing or invalid."),
        0 => new LavalinkUnavailableException("Audio server unavailable: could not open the Lavalink WebSocket (" + exception.WebSocketErrorCode + ").", exception),
        _ => new LavalinkUnavailableException(
            string.Create(CultureInfo.InvariantCulture, $"Audio server unavailable: the Lavalink WebSocket handshake got HTTP {(int)status}."), exception),
    };

    private async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _timeProvider);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var delayTask = Task.Delay(delay, _timeProvider, cancellationToken);
        ReconnectScheduled?.Invoke(delay);
        return delayTask;
    }

    private void SetState(string state, string? error)
    {
        lock (_gate)
        {
            if (_state != state)
            {
                _since = _timeProvider.GetUtcNow();
            }

            _state = state;
            _lastError = error;
            _socketOpen = false;
        }
    }

    /// <summary>Marks the client unavailable; true when a socket had been open (so the handler must hear of it).</summary>
    private bool MarkDisconnected(string reason)
    {
        lock (_gate)
        {
            var wasOpen = _socketOpen;
            _socketOpen = false;
            if (_state is LavalinkStates.Ok or LavalinkStates.Connecting or LavalinkStates.Unsupported)
            {
                _state = LavalinkStates.Unavailable;
                _since = _timeProvider.GetUtcNow();
            }

            if (reason != "stopped")
            {
                _lastError = reason;
            }

            return wasOpen;
        }
    }

    private enum ConnectionOutcome
    {
        Failed,
        Opened,
        WasReady,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Lavalink is not configured (Lavalink__Url, Lavalink__Password): music is off")]
        public static partial void NotConfigured(ILogger logger);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Connecting to Lavalink at {SocketUrl} (resuming session {ResumeSessionId})")]
        public static partial void Connecting(ILogger logger, Uri socketUrl, string resumeSessionId);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Lavalink WebSocket open (Session-Resumed: {SessionResumed})")]
        public static partial void Connected(ILogger logger, string sessionResumed);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Lavalink ready: session {LavalinkSessionId}, resumed {Resumed} (previous {PreviousSessionId})")]
        public static partial void Ready(ILogger logger, string lavalinkSessionId, bool resumed, string previousSessionId);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Lavalink disconnected: {Reason}")]
        public static partial void Disconnected(ILogger logger, string reason);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Could not connect to Lavalink: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Reconnecting to Lavalink in {DelayMs} ms (attempt {Attempt})")]
        public static partial void Reconnecting(ILogger logger, double delayMs, int attempt);

        [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Lavalink {LavalinkVersion} refused: {Problem}")]
        public static partial void Unsupported(ILogger logger, string lavalinkVersion, string problem);

        [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "Lavalink reports version {LavalinkVersion}, which is not semver; assuming it supports DAVE")]
        public static partial void VersionUnknown(ILogger logger, string lavalinkVersion);

        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Could not enable resuming on the Lavalink session: {Reason}")]
        public static partial void ResumeConfigFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "The Lavalink event handler's {Callback} failed")]
        public static partial void HandlerFailed(ILogger logger, string callback, Exception exception);

        [LoggerMessage(EventId = 3112, Level = LogLevel.Debug, Message = "Ignoring unknown Lavalink op {Op}")]
        public static partial void UnknownOp(ILogger logger, string op);

        [LoggerMessage(EventId = 3113, Level = LogLevel.Debug, Message = "Ignoring unknown Lavalink event {EventType}")]
        public static partial void UnknownEvent(ILogger logger, string eventType);

        [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "Ignoring a malformed Lavalink frame: {Problem}")]
        public static partial void MalformedFrame(ILogger logger, string problem);

        [LoggerMessage(EventId = 3116, Level = LogLevel.Error, Message = "Unexpected failure in the Lavalink connection; reconnecting")]
        public static partial void UnexpectedFailure(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3115, Level = LogLevel.Debug, Message = "Lavalink {EventType} for guild {GuildId}")]
        public static partial void EventReceived(ILogger logger, string eventType, ulong guildId);
    }
}
