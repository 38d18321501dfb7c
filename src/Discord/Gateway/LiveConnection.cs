namespace Serverless.Discord.Gateway;

internal enum ConnectionEndAction
{
    /// <summary>Reconnect on the resume URL and send op 6 (identifies instead when there is no session).</summary>
    Resume,

    /// <summary>Forget the session and identify on the gateway URL.</summary>
    Reidentify,

    /// <summary>Stop for good; reconnecting cannot help and would spend the identify budget.</summary>
    Fatal,

    /// <summary>Cancelled: close resumably, save the session, return.</summary>
    Stop,
}

/// <summary>Why a connection ended and what the shard does next, no earlier than <paramref name="NotBefore"/>.</summary>
internal sealed record ConnectionEnd(ConnectionEndAction Action, string Reason, int? CloseCode, bool ClosedByServer, DateTimeOffset NotBefore)
{
    public static ConnectionEnd Stop() => new(ConnectionEndAction.Stop, "stopping", null, false, DateTimeOffset.MinValue);

    public static ConnectionEnd Resume(string reason) => new(ConnectionEndAction.Resume, reason, null, false, DateTimeOffset.MinValue);

    public static ConnectionEnd Reidentify(string reason, DateTimeOffset notBefore) => new(ConnectionEndAction.Reidentify, reason, null, false, notBefore);
}

/// <summary>What Discord's close codes mean for the next step (DD <c>topics/opcodes-and-status-codes.mdx</c>).</summary>
internal static class GatewayCloseCodes
{
    public static (ConnectionEndAction Action, string Meaning) Classify(int? code) => code switch
    {
        null => (ConnectionEndAction.Resume, "connection dropped without a close code"),
        4000 => (ConnectionEndAction.Resume, "unknown error"),
        4001 => (ConnectionEndAction.Resume, "unknown opcode"),
        4002 => (ConnectionEndAction.Resume, "decode error or payload over 4096 bytes"),
        // "Not authenticated … or this session has been invalidated": with the session in doubt, start a new one.
        4003 => (ConnectionEndAction.Reidentify, "not authenticated or session invalidated"),
        4004 => (ConnectionEndAction.Fatal, "authentication failed: the bot token is invalid"),
        4005 => (ConnectionEndAction.Resume, "already authenticated"),
        4007 => (ConnectionEndAction.Reidentify, "invalid resume sequence"),
        4008 => (ConnectionEndAction.Resume, "rate limited: too many sends"),
        4009 => (ConnectionEndAction.Reidentify, "session timed out"),
        4010 => (ConnectionEndAction.Fatal, "invalid shard"),
        4011 => (ConnectionEndAction.Fatal, "sharding required: too many guilds for this shard count"),
        4012 => (ConnectionEndAction.Fatal, "invalid API version"),
        4013 => (ConnectionEndAction.Fatal, "invalid intents"),
        4014 => (ConnectionEndAction.Fatal, "disallowed intents: enable the privileged intent in the Developer Portal or drop it"),
        _ => (ConnectionEndAction.Resume, "unrecognised close code"),
    };
}

/// <summary>
/// One open connection with what lives and dies with it: the send limiter, the send lock (one send at a time on a
/// WebSocket), heartbeat bookkeeping and the tasks started for it.
/// </summary>
internal sealed class LiveConnection : IDisposable
{
    // A send stuck on a dead socket must not hold up closing it for longer than this.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly GatewaySendLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancellation;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<Task> _background = [];
    private readonly Lock _closeLock = new();
    private ConnectionEnd? _ending;
    private Task? _closing;
    private int _closed;
    private int _awaitingAck;
    private long _beatSentAtTicks;

    public LiveConnection(IGatewayConnection connection, GatewaySendLimiter limiter, TimeProvider time)
    {
        Connection = connection;
        _limiter = limiter;
        _time = time;
        // Not linked to the host's stopping token: on shutdown the close frame must go out before anything is
        // cancelled, because ClientWebSocket aborts the socket (no close code at all) when a pending call is cancelled.
        _cancellation = new CancellationTokenSource();
        Token = _cancellation.Token;
    }

    public IGatewayConnection Connection { get; }

    /// <summary>Cancelled when the connection ends; everything started for it stops with it.</summary>
    public CancellationToken Token { get; }

    /// <summary>READY or RESUMED arrived on this connection.</summary>
    public bool ReachedReady { get; set; }

    /// <summary>Set when this client decided to end the connection itself (a zombie).</summary>
    public ConnectionEnd? Ending => Volatile.Read(ref _ending);

    /// <summary>A heartbeat went out and no ACK has come back since.</summary>
    public bool AwaitingAck => Volatile.Read(ref _awaitingAck) == 1;

    public void BeatSent(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _beatSentAtTicks, at.UtcTicks);
        Volatile.Write(ref _awaitingAck, 1);
    }

    /// <summary>Records an ACK; the latency of the beat it answers, or null when no beat was waiting.</summary>
    public TimeSpan? Acknowledge()
    {
        if (Interlocked.Exchange(ref _awaitingAck, 0) == 0)
        {
            return null;
        }

        return TimeSpan.FromTicks(_time.GetUtcNow().UtcTicks - Interlocked.Read(ref _beatSentAtTicks));
    }

    /// <summary>Tasks tracked and not yet finished cleanly (faulted ones stay until observed at the end).</summary>
    public int TrackedTaskCount
    {
        get
        {
            lock (_background)
            {
                return _background.Count;
            }
        }
    }

    public void Track(Task task)
    {
        lock (_background)
        {
            // A long-lived connection starts a task for every op 1 Discord sends: drop the finished ones so the list
            // holds only work in flight and faults still to be reported.
            _background.RemoveAll(tracked => tracked.IsCompletedSuccessfully || tracked.IsCanceled);
            _background.Add(task);
        }
    }

    /// <summary>Sends within the connection's limits. Throws <see cref="GatewayConnectionLostException"/> when the connection ends first.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> payload, bool heartbeat, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Token);
        try
        {
            await _limiter.WaitForSlotAsync(heartbeat, linked.Token);
            await _sendLock.WaitAsync(linked.Token);
            try
            {
                if (Volatile.Read(ref _closed) == 1)
                {
                    throw new GatewayConnectionLostException("The gateway connection is closing.");
                }

                await Connection.SendAsync(payload, linked.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayConnectionLostException("The gateway connection ended before the payload was sent.");
        }
    }

    /// <summary>Ends the connection from our side: the first reason wins, the socket is closed with <paramref name="code"/>.</summary>
    public async Task EndAsync(ConnectionEnd end, int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _ending, end, null) is not null)
        {
            return;
        }

        await CloseAsync(code, reason);
        Cancel();
    }

    /// <summary>Closes once, after any send in progress; best effort. Later calls await the first close.</summary>
    public Task CloseAsync(int code, string reason)
    {
        lock (_closeLock)
        {
            return _closing ??= CloseOnceAsync(code, reason);
        }
    }

    private async Task CloseOnceAsync(int code, string reason)
    {
        Volatile.Write(ref _closed, 1);
        using var timeout = new CancellationTokenSource(CloseTimeout, _time);
        var locked = false;
        try
        {
            await _sendLock.WaitAsync(timeout.Token);
            locked = true;
            await Connection.CloseAsync(code, reason, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A send is stuck on a dead socket; disposing the connection ends it.
        }
        finally
        {
            if (locked)
            {
                _sendLock.Release();
            }
        }
    }

    public void Cancel() => _cancellation.Cancel();

    /// <summary>Waits for the heartbeat and handshake tasks, which end with the connection; their errors are moot by then.</summary>
    public async Task ObserveBackgroundTasksAsync(Action<Exception> onUnexpected)
    {
        Task[] tasks;
        lock (_background)
        {
            tasks = [.. _background];
        }

        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (Exception exception) when (exception is OperationCanceledException or GatewayConnectionLostException)
            {
            }
            catch (Exception exception)
            {
                onUnexpected(exception);
            }
        }
    }

    public void Dispose()
    {
        // Cancelled before disposal, so a late sender's linked token is already cancelled rather than broken.
        _cancellation.Cancel();
        _cancellation.Dispose();
    }
}
