using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Rest;
using Serverless.Ports.Sessions;

namespace Serverless.Discord.Gateway;

/// <summary>
/// One gateway shard: connects, heartbeats, identifies or resumes, hands dispatches to <see cref="IGatewayDispatchHandler"/>
/// and reconnects until cancelled or a fatal close code stops it for good.
/// </summary>
public sealed partial class GatewayShardClient
{
    /// <summary>
    /// The code this client closes with whenever it means to come back (zombie, op 7, shutdown). 1000 and 1001 would end
    /// Discord's session; 4000 is in the application range, so no proxy reads a standard meaning into it, and it is what
    /// other gateway clients use for the same purpose.
    /// </summary>
    public const int ResumableCloseCode = 4000;

    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(10);

    private readonly Uri _gatewayUrl;
    // Discord's close code for a refused token.
    private const int AuthenticationFailedCloseCode = 4004;

    private readonly DiscordCredentials _credentials;

    // The token the last IDENTIFY or RESUME sent: what a 4004 refused.
    private volatile string? _identifiedWith;
    private readonly GatewayOptions _options;
    private readonly IGatewayConnector _connector;
    private readonly GatewayIdentifyLimiter _identifyLimiter;
    private readonly IGatewaySessionStore _sessionStore;
    private readonly IGatewayDispatchHandler _dispatchHandler;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;

    private readonly Lock _stateLock = new();
    private TaskCompletionSource<LiveConnection> _readyConnection = NewReadySource();
    private GatewayShardState _state = GatewayShardState.Disconnected;
    private string? _problem;
    private long _lastHeartbeatLatencyTicks = -1;
    private long _botUserId;
    private int _started;
    private readonly GatewayMetrics? _metrics;

    // The session: written only by the run loop; the sequence is also read by the heartbeat loop.
    private string? _sessionId;
    private Uri? _resumeUrl;
    private long _sequence = -1;
    private long _savedSequence = -1;
    private DateTimeOffset _savedAt = DateTimeOffset.MinValue;

    public GatewayShardClient(
        int shardId,
        int shardCount,
        Uri gatewayUrl,
        DiscordCredentials credentials,
        GatewayOptions options,
        IGatewayConnector connector,
        GatewayIdentifyLimiter identifyLimiter,
        IGatewaySessionStore sessionStore,
        IGatewayDispatchHandler dispatchHandler,
        TimeProvider time,
        Random random,
        ILogger<GatewayShardClient> logger,
        GatewayMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shardId, shardCount);
        ArgumentNullException.ThrowIfNull(gatewayUrl);
        ArgumentNullException.ThrowIfNull(credentials);
        if (!credentials.IsConfigured)
        {
            throw new ArgumentException("The gateway needs the bot token (Discord__BotToken, Discord__BotTokenFile or Discord__BotTokenSecretUri).", nameof(credentials));
        }

        ShardId = shardId;
        ShardCount = shardCount;
        _gatewayUrl = gatewayUrl;
        _credentials = credentials;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _connector = connector ?? throw new ArgumentNullException(nameof(connector));
        _identifyLimiter = identifyLimiter ?? throw new ArgumentNullException(nameof(identifyLimiter));
        _sessionStore = sessionStore ?? throw new ArgumentNullException(nameof(sessionStore));
        _dispatchHandler = dispatchHandler ?? throw new ArgumentNullException(nameof(dispatchHandler));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = metrics;
    }

    /// <summary>Raised after every state change, on the thread that changed it. Keep handlers quick.</summary>
    public event Action<GatewayShardClient, GatewayShardState>? StateChanged;

    public int ShardId { get; }

    public int ShardCount { get; }

    public GatewayShardState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the shard is not ready (a fatal close, a spent identify budget), or null.</summary>
    public string? Problem
    {
        get
        {
            lock (_stateLock)
            {
                return _problem;
            }
        }
    }

    /// <summary>Time from the last heartbeat to its ACK, or null before the first ACK.</summary>
    public TimeSpan? LastHeartbeatLatency => Interlocked.Read(ref _lastHeartbeatLatencyTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The bot's user id from READY; null until a READY on this run (a resumed session gets none).</summary>
    public ulong? BotUserId => Interlocked.Read(ref _botUserId) is var id and not 0 ? (ulong)id : null;

    public GatewayShardStatus GetStatus()
    {
        lock (_stateLock)
        {
            return new GatewayShardStatus(ShardId, _state, LastHeartbeatLatency?.TotalMilliseconds, _problem);
        }
    }

    /// <summary>
    /// Runs the shard until <paramref name="cancellationToken"/> is cancelled (closes with <see cref="ResumableCloseCode"/>
    /// and saves the session) or a fatal close code ends it (<see cref="GatewayShardState.Failed"/>). Never throws for either.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"Gateway shard {ShardId} is already running; a shard runs once.");
        }

        await LoadSessionAsync(cancellationToken);
        var consecutiveFailures = 0;
        var notBefore = DateTimeOffset.MinValue;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var resume = _sessionId is not null && _resumeUrl is not null;
                if (!resume)
                {
                    // Waiting for the budget before connecting: no socket held open for hours.
                    await _identifyLimiter.WaitForBudgetAsync(OnIdentifyBudgetExhausted, cancellationToken);
                }

                await _time.DelayUntilAsync(notBefore, cancellationToken);
                SetState(GatewayShardState.Connecting, null);
                var url = WithQueryString(resume ? _resumeUrl! : _gatewayUrl);
                Log.Connecting(_logger, ShardId, url, resume);

                IGatewayConnection connection;
                try
                {
                    connection = await _connector.ConnectAsync(url, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    consecutiveFailures++;
                    var delay = GatewayTiming.Backoff(consecutiveFailures, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _random);
                    notBefore = _time.GetUtcNow() + delay;
                    Log.ConnectFailed(_logger, exception, ShardId, consecutiveFailures, delay.TotalMilliseconds);
                    SetState(GatewayShardState.Disconnected, null);
                    continue;
                }

                ConnectionEnd end;
                bool reachedReady;
                await using (connection)
                {
                    (end, reachedReady) = await RunConnectionAsync(connection, resume, cancellationToken);
                }

                notBefore = end.NotBefore;
                consecutiveFailures = reachedReady ? 0 : consecutiveFailures + 1;
                if (consecutiveFailures > 0)
                {
                    // A connection that never got ready counts as a failure: no tight reconnect loop against a refusing gateway.
                    var backoff = _time.GetUtcNow() + GatewayTiming.Backoff(consecutiveFailures, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _random);
                    notBefore = backoff > notBefore ? backoff : notBefore;
                }

                if (end.CloseCode == AuthenticationFailedCloseCode && _credentials.CanRotate && _identifiedWith is { } rejected)
                {
                    // A rotated token: no resume across tokens, so a new session once a new token is there.
                    await ClearSessionAsync();
                    await WaitForNewTokenAsync(rejected, cancellationToken);
                    consecutiveFailures = 0;
                    notBefore = DateTimeOffset.MinValue;
                    SetState(GatewayShardState.Disconnected, null);
                    continue;
                }

                switch (end.Action)
                {
                    case ConnectionEndAction.Stop:
                        return;
                    case ConnectionEndAction.Fatal:
                        var problem = $"Discord closed the gateway with {end.CloseCode} ({end.Reason}); the shard stopped and will not reconnect.";
                        Log.Fatal(_logger, ShardId, end.CloseCode ?? 0, end.Reason);
                        await ClearSessionAsync();
                        SetState(GatewayShardState.Failed, problem);
                        FailReady(problem);
                        return;
                    case ConnectionEndAction.Reidentify:
                        await ClearSessionAsync();
                        break;
                    case ConnectionEndAction.Resume:
                        break;
                }

                SetState(GatewayShardState.Disconnected, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping while waiting to connect: nothing open to close.
        }
        finally
        {
            if (State != GatewayShardState.Failed)
            {
                SetState(GatewayShardState.Disconnected, null);
                StopReady();
                Log.Stopped(_logger, ShardId);
            }
        }
    }

    /// <summary>
    /// Sends op 4 (join, move or, with a null <paramref name="channelId"/>, leave voice) once the shard is ready, waiting
    /// through reconnects and the send limit. Throws <see cref="GatewayShardFailedException"/> when the shard stopped for good.
    /// </summary>
    public Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken = default) =>
        SendWhenReadyAsync(GatewayOpcode.VoiceStateUpdate, GatewayPayloads.VoiceStateUpdate(guildId, channelId, selfMute, selfDeaf), cancellationToken);

    /// <summary>Sends a payload once ready; refuses one over 4096 bytes before anything goes out.</summary>
    internal async Task SendWhenReadyAsync(int opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        GatewayPayloads.EnsureWithinLimit(opcode, payload);
        while (true)
        {
            Task<LiveConnection> ready;
            lock (_stateLock)
            {
                ready = _readyConnection.Task;
            }

            var live = await ready.WaitAsync(cancellationToken);
            try
            {
                await live.SendAsync(payload, heartbeat: false, cancellationToken);
                return;
            }
            catch (GatewayConnectionLostException)
            {
                // That connection is ending; wait for the next one to be ready.
                WithdrawReady(live);
            }
        }
    }

    private async Task<(ConnectionEnd End, bool ReachedReady)> RunConnectionAsync(IGatewayConnection connection, bool resume, CancellationToken stopping)
    {
        using var live = new LiveConnection(connection, new GatewaySendLimiter(_time), _time);
        ConnectionEnd end;

        // Shutdown closes with the resumable code first and only then stops the receive, so the close frame goes out.
        using (stopping.Register(() => _ = live.EndAsync(ConnectionEnd.Stop(), ResumableCloseCode, "shutting down")))
        {
            try
            {
                end = await ReceiveLoopAsync(live, resume, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                end = ConnectionEnd.Stop();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever broke, the session is still Discord's to resume: treat it like a dropped socket.
                Log.ConnectionFailed(_logger, exception, ShardId);
                end = ConnectionEnd.Resume("unexpected error on the connection");
            }
        }

        WithdrawReady(live);

        // Also answers a server's close; never 1000/1001, so the session stays resumable whatever comes next.
        await live.CloseAsync(ResumableCloseCode, end.Action == ConnectionEndAction.Stop ? "shutting down" : "reconnecting");
        live.Cancel();
        await live.ObserveBackgroundTasksAsync(exception => Log.BackgroundTaskFailed(_logger, exception, ShardId));
        if (end.Action == ConnectionEndAction.Stop)
        {
            await SaveSessionAsync(force: true, CancellationToken.None);
        }

        return (end, live.ReachedReady);
    }

    private async Task<ConnectionEnd> ReceiveLoopAsync(LiveConnection live, bool resume, CancellationToken stopping)
    {
        while (true)
        {
            GatewayReceiveResult received;
            try
            {
                received = await live.Connection.ReceiveAsync(live.Token);
            }
            catch (OperationCanceledException) when (live.Ending is { } ending)
            {
                return ending;
            }

            if (live.Ending is { } ownEnding)
            {
                // We closed it (zombie, shutdown): our reason decides what comes next, not the echo of our close.
                return ownEnding;
            }

            if (received.IsClose)
            {
                return ClassifyClose(received.CloseCode, received.CloseReason);
            }

            var end = await HandleMessageAsync(live, received.Message, resume, stopping);
            if (end is not null)
            {
                return end;
            }
        }
    }

    private async Task<ConnectionEnd?> HandleMessageAsync(LiveConnection live, ReadOnlyMemory<byte> message, bool resume, CancellationToken stopping)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException exception)
        {
            Log.MalformedMessage(_logger, exception, ShardId);
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !opElement.TryGetInt32(out var op))
            {
                Log.MalformedMessage(_logger, null, ShardId);
                return null;
            }

            root.TryGetProperty("d", out var data);
            switch (op)
            {
                case GatewayOpcode.Dispatch:
                    await HandleDispatchAsync(live, root, data, stopping);
                    return null;

                case GatewayOpcode.Heartbeat:
                    // Discord asks for a beat now; answering late looks like a zombie to Discord.
                    live.Track(SendHeartbeatAsync(live));
                    return null;

                case GatewayOpcode.HeartbeatAck:
                    if (live.Acknowledge() is { } latency)
                    {
                        Interlocked.Exchange(ref _lastHeartbeatLatencyTicks, latency.Ticks);
                        _metrics?.RecordLatency(ShardId, latency);
                    }

                    // The sequence may have moved since the last throttled save.
                    await SaveSessionAsync(force: false, stopping);
                    return null;

                case GatewayOpcode.Hello:
                    var interval = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("heartbeat_interval", out var intervalElement) && intervalElement.TryGetDouble(out var ms) && ms > 0
                        ? TimeSpan.FromMilliseconds(ms)
                        : TimeSpan.FromSeconds(41.25);
                    live.Track(HeartbeatLoopAsync(live, interval, _time.GetUtcNow()));
                    live.Track(IdentifyOrResumeAsync(live, resume));
                    return null;

                case GatewayOpcode.Reconnect:
                    Log.ReconnectRequested(_logger, ShardId);
                    return ConnectionEnd.Resume("Discord asked to reconnect (op 7)");

                case GatewayOpcode.InvalidSession:
                    var resumable = data.ValueKind == JsonValueKind.True;
                    if (resumable)
                    {
                        Log.InvalidSession(_logger, ShardId, true, 0);
                        return ConnectionEnd.Resume("invalid session, resumable (op 9)");
                    }

                    // Discord asks for a random 1-5 s wait before identifying again.
                    var wait = TimeSpan.FromSeconds(1 + (4 * _random.NextDouble()));
                    Log.InvalidSession(_logger, ShardId, false, wait.TotalMilliseconds);
                    return ConnectionEnd.Reidentify("invalid session (op 9)", _time.GetUtcNow() + wait);

                default:
                    return null;
            }
        }
    }

    private async Task HandleDispatchAsync(LiveConnection live, JsonElement root, JsonElement data, CancellationToken stopping)
    {
        if (!root.TryGetProperty("t", out var typeElement) || typeElement.GetString() is not { } type
            || !root.TryGetProperty("s", out var sequenceElement) || !sequenceElement.TryGetInt64(out var sequence))
        {
            Log.MalformedMessage(_logger, null, ShardId);
            return;
        }

        Interlocked.Exchange(ref _sequence, sequence);
        var saveNow = false;
        if (type == "READY" && data.ValueKind == JsonValueKind.Object)
        {
            _sessionId = data.TryGetProperty("session_id", out var session) ? session.GetString() : null;
            _resumeUrl = data.TryGetProperty("resume_gateway_url", out var resumeUrl) && Uri.TryCreate(resumeUrl.GetString(), UriKind.Absolute, out var parsed) ? parsed : _gatewayUrl;
            // The same reading (and rules) as the READY the dispatcher hands to its handlers.
            if (Events.GatewayEventReader.TryReadReady(ShardId, data, out var ready))
            {
                Interlocked.Exchange(ref _botUserId, (long)ready!.BotUserId);
            }

            var guilds = data.TryGetProperty("guilds", out var guildArray) && guildArray.ValueKind == JsonValueKind.Array ? guildArray.GetArrayLength() : 0;
            Log.Ready(_logger, ShardId, ShardCount, guilds);
            OnReady(live);
            saveNow = true;
        }
        else if (type == "RESUMED")
        {
            Log.Resumed(_logger, ShardId, sequence);
            OnReady(live);
            saveNow = true;
        }

        try
        {
            await _dispatchHandler.HandleAsync(new GatewayDispatch(ShardId, type, sequence, data.ValueKind == JsonValueKind.Undefined ? default : data.Clone()), stopping);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // One bad handler must not cost the connection (and a resume would replay the same event into it).
            Log.DispatchHandlerFailed(_logger, exception, ShardId, type);
        }

        await SaveSessionAsync(saveNow, stopping);
    }

    private void OnReady(LiveConnection live)
    {
        live.ReachedReady = true;
        SetState(GatewayShardState.Ready, null);
        lock (_stateLock)
        {
            if (_readyConnection.Task.IsCompleted)
            {
                _readyConnection = NewReadySource();
            }

            _readyConnection.TrySetResult(live);
        }
    }

    /// <summary>
    /// Reads the token's source again until it holds a token other than <paramref name="rejected"/>: at once, then once
    /// per refresh interval (logged critical the first time, then as a warning), so the companion recovers by itself
    /// once the secret is updated.
    /// </summary>
    private async Task WaitForNewTokenAsync(string rejected, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!await _credentials.RefreshAfterUnauthorizedAsync(rejected, cancellationToken))
        {
            attempt++;
            var next = _credentials.NextRefreshAt;
            var problem = $"Discord refused the bot token (close 4004) and {_credentials.SourceDescription} holds no new one; reading it again after {next:O}.";
            SetState(GatewayShardState.WaitingForToken, problem);
            if (attempt == 1)
            {
                Log.TokenRejected(_logger, ShardId, _credentials.SourceDescription, next);
            }
            else
            {
                Log.TokenStillRejected(_logger, ShardId, _credentials.SourceDescription, attempt, next);
            }

            // A read less than the interval ago answers false at once: wait until the next one is allowed.
            await _time.DelayUntilAsync(next > _time.GetUtcNow() ? next : _time.GetUtcNow() + TimeSpan.FromSeconds(1), cancellationToken);
        }

        Log.TokenRenewed(_logger, ShardId, _credentials.SourceDescription);
    }

    private async Task IdentifyOrResumeAsync(LiveConnection live, bool resume)
    {
        var token = await _credentials.GetBotTokenAsync(live.Token);
        _identifiedWith = token;
        if (resume)
        {
            SetState(GatewayShardState.Resuming, null);
            var sequence = Interlocked.Read(ref _sequence);
            _metrics?.RecordResume(ShardId);
            await live.SendAsync(GatewayPayloads.Resume(token, _sessionId!, Math.Max(sequence, 0)), heartbeat: false, live.Token);
            return;
        }

        SetState(GatewayShardState.Identifying, null);
        await _identifyLimiter.AcquireAsync(ShardId, OnIdentifyBudgetExhausted, live.Token);
        SetState(GatewayShardState.Identifying, null);
        // Counted once granted: the session start is spent whether or not the send gets through.
        _metrics?.RecordIdentify(ShardId);
        await live.SendAsync(GatewayPayloads.Identify(token, _options.Intents, _options.ClientName, ShardId, ShardCount), heartbeat: false, live.Token);
    }

    private async Task HeartbeatLoopAsync(LiveConnection live, TimeSpan interval, DateTimeOffset helloAt)
    {
        // The first beat is jittered so shards (and bots) reconnecting together do not beat in step.
        var nextBeatAt = helloAt + (interval * _random.NextDouble());
        while (true)
        {
            await _time.DelayUntilAsync(nextBeatAt, live.Token);
            if (live.AwaitingAck)
            {
                Log.Zombie(_logger, ShardId, interval.TotalMilliseconds);
                await live.EndAsync(ConnectionEnd.Resume("no heartbeat ACK since the previous beat (zombied connection)"), ResumableCloseCode, "zombied connection");
                return;
            }

            live.BeatSent(_time.GetUtcNow());
            await SendHeartbeatAsync(live);
            nextBeatAt += interval;
            var now = _time.GetUtcNow();
            if (nextBeatAt < now)
            {
                // Fell behind (a stalled process): a full interval after this late beat, not a burst of catch-up beats.
                nextBeatAt = now + interval;
            }
        }
    }

    private Task SendHeartbeatAsync(LiveConnection live)
    {
        var sequence = Interlocked.Read(ref _sequence);
        return live.SendAsync(GatewayPayloads.Heartbeat(sequence >= 0 ? sequence : null), heartbeat: true, live.Token);
    }

    private ConnectionEnd ClassifyClose(int? code, string? reason)
    {
        var (action, meaning) = GatewayCloseCodes.Classify(code);
        Log.ClosedByServer(_logger, ShardId, code, meaning, reason ?? "", action.ToString());
        return new ConnectionEnd(action, meaning, code, ClosedByServer: true, DateTimeOffset.MinValue);
    }

    private void OnIdentifyBudgetExhausted(DateTimeOffset resetAt) =>
        SetState(GatewayShardState.WaitingForIdentifyBudget, $"The daily identify budget is spent; identifying again after {resetAt:O}.");

    private async Task LoadSessionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var saved = await _sessionStore.LoadAsync(ShardId, ShardCount, cancellationToken);
            if (saved is not null && saved.ShardCount == ShardCount && Uri.TryCreate(saved.ResumeGatewayUrl, UriKind.Absolute, out var resumeUrl))
            {
                _sessionId = saved.SessionId;
                _resumeUrl = resumeUrl;
                _sequence = saved.Sequence;
                _savedSequence = saved.Sequence;
                Log.SessionLoaded(_logger, ShardId, saved.Sequence, saved.SavedAt);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SessionStoreFailed(_logger, exception, ShardId, "load");
        }
    }

    /// <summary>Writes the session when forced (READY, RESUMED, shutdown) or when the sequence moved and the throttle allows.</summary>
    private async Task SaveSessionAsync(bool force, CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Read(ref _sequence);
        if (_sessionId is null || _resumeUrl is null || sequence < 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (!force && (sequence == _savedSequence || now - _savedAt < _options.SessionSaveInterval))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StoreTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _sessionStore.SaveAsync(new GatewaySession(ShardId, ShardCount, _sessionId, _resumeUrl.ToString(), sequence, now), linked.Token);
            _savedSequence = sequence;
            _savedAt = now;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SessionStoreFailed(_logger, exception, ShardId, "save");
        }
    }

    private async Task ClearSessionAsync()
    {
        _sessionId = null;
        _resumeUrl = null;
        Interlocked.Exchange(ref _sequence, -1);
        _savedSequence = -1;
        using var timeout = new CancellationTokenSource(StoreTimeout, _time);
        try
        {
            await _sessionStore.ClearAsync(ShardId, timeout.Token);
        }
        catch (Exception exception)
        {
            Log.SessionStoreFailed(_logger, exception, ShardId, "clear");
        }
    }

    private void SetState(GatewayShardState state, string? problem)
    {
        lock (_stateLock)
        {
            if (_state == state && _problem == problem)
            {
                return;
            }

            _state = state;
            _problem = problem;
        }

        StateChanged?.Invoke(this, state);
    }

    private void WithdrawReady(LiveConnection live)
    {
        lock (_stateLock)
        {
            if (_readyConnection.Task.IsCompletedSuccessfully && ReferenceEquals(_readyConnection.Task.Result, live))
            {
                _readyConnection = NewReadySource();
            }
        }
    }

    private void FailReady(string problem)
    {
        lock (_stateLock)
        {
            if (_readyConnection.Task.IsCompleted)
            {
                _readyConnection = NewReadySource();
            }

            _readyConnection.TrySetException(new GatewayShardFailedException($"Gateway shard {ShardId} failed: {problem}"));
            // Observed here so an unobserved-task warning never fires when nobody was waiting to send.
            _ = _readyConnection.Task.Exception;
        }
    }

    /// <summary>Senders still waiting for a connection give up: this shard will not connect again.</summary>
    private void StopReady()
    {
        lock (_stateLock)
        {
            if (_readyConnection.Task.IsCompleted)
            {
                _readyConnection = NewReadySource();
            }

            _readyConnection.TrySetCanceled();
        }
    }

    private static TaskCompletionSource<LiveConnection> NewReadySource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Uri WithQueryString(Uri url)
    {
        var builder = new UriBuilder(url) { Query = GatewayLimits.QueryString };
        return builder.Uri;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Gateway shard {ShardId} connecting to {Url} (resume: {Resume})")]
        public static partial void Connecting(ILogger logger, int shardId, Uri url, bool resume);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Gateway shard {ShardId} could not connect (failure {Failures} in a row); next try in {DelayMs:0} ms")]
        public static partial void ConnectFailed(ILogger logger, Exception exception, int shardId, int failures, double delayMs);

        [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Gateway shard {ShardId}/{ShardCount} ready with {GuildCount} guilds")]
        public static partial void Ready(ILogger logger, int shardId, int shardCount, int guildCount);

        [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Gateway shard {ShardId} resumed at sequence {Sequence}")]
        public static partial void Resumed(ILogger logger, int shardId, long sequence);

        [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "Gateway shard {ShardId} got no heartbeat ACK within {IntervalMs:0} ms: closing the zombied connection to resume")]
        public static partial void Zombie(ILogger logger, int shardId, double intervalMs);

        [LoggerMessage(EventId = 7106, Level = LogLevel.Information, Message = "Gateway shard {ShardId}: Discord asked to reconnect (op 7); resuming")]
        public static partial void ReconnectRequested(ILogger logger, int shardId);

        [LoggerMessage(EventId = 7107, Level = LogLevel.Warning, Message = "Gateway shard {ShardId}: invalid session (op 9), resumable {Resumable}; waiting {WaitMs:0} ms")]
        public static partial void InvalidSession(ILogger logger, int shardId, bool resumable, double waitMs);

        [LoggerMessage(EventId = 7108, Level = LogLevel.Warning, Message = "Gateway shard {ShardId} closed by Discord with {CloseCode} ({Meaning}; reason '{Reason}'): next step {Action}")]
        public static partial void ClosedByServer(ILogger logger, int shardId, int? closeCode, string meaning, string reason, string action);

        [LoggerMessage(EventId = 7109, Level = LogLevel.Critical, Message = "Gateway shard {ShardId} stopped for good: Discord closed with {CloseCode} ({Meaning}). It will not reconnect; fix the cause and restart the companion")]
        public static partial void Fatal(ILogger logger, int shardId, int closeCode, string meaning);

        [LoggerMessage(EventId = 7110, Level = LogLevel.Warning, Message = "Gateway shard {ShardId} ignored a malformed message")]
        public static partial void MalformedMessage(ILogger logger, Exception? exception, int shardId);

        [LoggerMessage(EventId = 7111, Level = LogLevel.Error, Message = "Gateway shard {ShardId}: the handler of {DispatchType} failed; the event is skipped")]
        public static partial void DispatchHandlerFailed(ILogger logger, Exception exception, int shardId, string dispatchType);

        [LoggerMessage(EventId = 7112, Level = LogLevel.Warning, Message = "Gateway shard {ShardId}: session store {Operation} failed")]
        public static partial void SessionStoreFailed(ILogger logger, Exception exception, int shardId, string operation);

        [LoggerMessage(EventId = 7113, Level = LogLevel.Information, Message = "Gateway shard {ShardId} found a saved session at sequence {Sequence} (saved {SavedAt:O}); resuming instead of identifying")]
        public static partial void SessionLoaded(ILogger logger, int shardId, long sequence, DateTimeOffset savedAt);

        [LoggerMessage(EventId = 7115, Level = LogLevel.Error, Message = "Gateway shard {ShardId}: a heartbeat or handshake task failed")]
        public static partial void BackgroundTaskFailed(ILogger logger, Exception exception, int shardId);

        [LoggerMessage(EventId = 7116, Level = LogLevel.Error, Message = "Gateway shard {ShardId}: the connection failed unexpectedly; reconnecting to resume")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, int shardId);

        [LoggerMessage(EventId = 7117, Level = LogLevel.Critical, Message = "Gateway shard {ShardId}: Discord refused the bot token (close 4004) and {Source} holds no new one; reading it again after {NextRefreshAt:O} until it does")]
        public static partial void TokenRejected(ILogger logger, int shardId, string source, DateTimeOffset nextRefreshAt);

        [LoggerMessage(EventId = 7118, Level = LogLevel.Warning, Message = "Gateway shard {ShardId}: still no new bot token in {Source} (read {Attempt}); next read after {NextRefreshAt:O}")]
        public static partial void TokenStillRejected(ILogger logger, int shardId, string source, int attempt, DateTimeOffset nextRefreshAt);

        [LoggerMessage(EventId = 7119, Level = LogLevel.Warning, Message = "Gateway shard {ShardId}: a new bot token from {Source}; identifying again with a new session")]
        public static partial void TokenRenewed(ILogger logger, int shardId, string source);

        [LoggerMessage(EventId = 7114, Level = LogLevel.Information, Message = "Gateway shard {ShardId} stopped")]
        public static partial void Stopped(ILogger logger, int shardId);
    }
}
