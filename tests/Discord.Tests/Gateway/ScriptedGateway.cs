using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Gateway;

namespace Serverless.Discord.Tests.Gateway;

/// <summary>How long a test waits for something the client must do; only a safety net, the fake clock drives everything.</summary>
internal static class Safety
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
}

/// <summary>One payload the client sent, parsed, with the fake time it went out.</summary>
internal sealed record SentPayload(ScriptedGatewayConnection Connection, int Op, JsonElement Data, DateTimeOffset At, string Raw);

/// <summary>Hands out scripted connections; can refuse connections to test back-off.</summary>
internal sealed class ScriptedGatewayConnector(TimeProvider time) : IGatewayConnector
{
    private readonly Channel<ScriptedGatewayConnection> _connections = Channel.CreateUnbounded<ScriptedGatewayConnection>();
    private readonly ConcurrentQueue<(Uri Url, DateTimeOffset At)> _attempts = new();
    private int _failuresToGo;

    /// <summary>Every payload sent on any connection, in order.</summary>
    public Channel<SentPayload> AllSent { get; } = Channel.CreateUnbounded<SentPayload>();

    public IReadOnlyList<(Uri Url, DateTimeOffset At)> Attempts => [.. _attempts];

    public void FailNext(int attempts) => Volatile.Write(ref _failuresToGo, attempts);

    public Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        _attempts.Enqueue((url, time.GetUtcNow()));
        if (Interlocked.Decrement(ref _failuresToGo) >= 0)
        {
            return Task.FromException<IGatewayConnection>(new IOException("connection refused (scripted)"));
        }

        var connection = new ScriptedGatewayConnection(url, time, AllSent.Writer);
        _connections.Writer.TryWrite(connection);
        return Task.FromResult<IGatewayConnection>(connection);
    }

    public async Task<ScriptedGatewayConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);

    public async Task<SentPayload> NextSentAnywhereAsync() => await AllSent.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);
}

/// <summary>The server side of one connection, driven by the test: it says what Discord sends and reads what the client sent.</summary>
internal sealed class ScriptedGatewayConnection(Uri url, TimeProvider time, ChannelWriter<SentPayload> allSent) : IGatewayConnection
{
    private readonly Channel<GatewayReceiveResult> _inbound = Channel.CreateUnbounded<GatewayReceiveResult>();
    private readonly Channel<SentPayload> _sent = Channel.CreateUnbounded<SentPayload>();
    private readonly TaskCompletionSource<int> _closedByClient = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<SentPayload> _allSentHere = new();

    public Uri Url { get; } = url;

    public DateTimeOffset ConnectedAt { get; } = time.GetUtcNow();

    public IReadOnlyList<SentPayload> SentSoFar => [.. _allSentHere];

    public Task<int> ClosedByClient => _closedByClient.Task;

    public bool Disposed { get; private set; }

    public void Send(string json) => _inbound.Writer.TryWrite(GatewayReceiveResult.FromMessage(Encoding.UTF8.GetBytes(json)));

    public void SendHello(int heartbeatIntervalMs) => Send($$"""{"op":10,"d":{"heartbeat_interval":{{heartbeatIntervalMs}}},"s":null,"t":null}""");

    public void SendDispatch(string type, long sequence, string dataJson) =>
        Send($$"""{"op":0,"t":"{{type}}","s":{{sequence.ToString(CultureInfo.InvariantCulture)}},"d":{{dataJson}}}""");

    public void SendReady(long sequence, string sessionId, string resumeUrl, ulong botUserId = 1234567890123456789) =>
        SendDispatch("READY", sequence, $$$"""{"v":10,"user":{"id":"{{{botUserId}}}","username":"bot"},"guilds":[{"id":"1","unavailable":true}],"session_id":"{{{sessionId}}}","resume_gateway_url":"{{{resumeUrl}}}","shard":[0,1],"application":{"id":"1","flags":0}}""");

    public void SendHeartbeatAck() => Send("""{"op":11,"d":null}""");

    /// <summary>Discord closes the socket with <paramref name="code"/> (null: the connection just drops).</summary>
    public void ServerClose(int? code, string reason = "") => _inbound.Writer.TryWrite(GatewayReceiveResult.Closed(code, reason));

    public async Task<SentPayload> NextSentAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);

    /// <summary>The next payload with <paramref name="op"/>, skipping others (heartbeats, say).</summary>
    public async Task<SentPayload> NextSentAsync(int op)
    {
        while (true)
        {
            var sent = await NextSentAsync();
            if (sent.Op == op)
            {
                return sent;
            }
        }
    }

    public bool TryTakeSent(out SentPayload? sent) => _sent.Reader.TryRead(out sent);

    public Task SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_closedByClient.Task.IsCompleted)
        {
            throw new GatewayConnectionLostException("closed (scripted)");
        }

        var raw = Encoding.UTF8.GetString(utf8Json.Span);
        using var document = JsonDocument.Parse(raw);
        var payload = new SentPayload(this, document.RootElement.GetProperty("op").GetInt32(), document.RootElement.GetProperty("d").Clone(), time.GetUtcNow(), raw);
        _allSentHere.Enqueue(payload);
        _sent.Writer.TryWrite(payload);
        allSent.TryWrite(payload);
        return Task.CompletedTask;
    }

    public async Task<GatewayReceiveResult> ReceiveAsync(CancellationToken cancellationToken) =>
        await _inbound.Reader.ReadAsync(cancellationToken);

    public Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        _closedByClient.TrySetResult(code);
        // What a real socket does after our close frame: the pending receive ends.
        _inbound.Writer.TryWrite(GatewayReceiveResult.Closed(code, reason));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fake clock that also tells tests when a timer was started and for how long, so they advance exactly to it.</summary>
internal sealed class GatewayTestClock() : FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly Channel<TimeSpan> _timersStarted = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timersStarted.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer the code under test starts.</summary>
    public async Task<TimeSpan> NextTimerAsync() => await _timersStarted.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);

    public void DiscardStartedTimers()
    {
        while (_timersStarted.Reader.TryRead(out _))
        {
        }
    }
}

/// <summary>A "random" source that always says the same thing, so jitter is known.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}

internal sealed class RecordingDispatchHandler : IGatewayDispatchHandler
{
    public Channel<GatewayDispatch> Received { get; } = Channel.CreateUnbounded<GatewayDispatch>();

    public Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
    {
        Received.Writer.TryWrite(dispatch);
        return Task.CompletedTask;
    }

    /// <summary>Waits until the dispatch with <paramref name="sequence"/> went through the handler (and the shard's bookkeeping before it).</summary>
    public async Task<GatewayDispatch> WaitForSequenceAsync(long sequence)
    {
        while (true)
        {
            var dispatch = await Received.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);
            if (dispatch.Sequence == sequence)
            {
                return dispatch;
            }
        }
    }
}

/// <summary>An <see cref="ILoggerFactory"/> over one provider, without pulling in the full logging package.</summary>
internal sealed class ProviderLoggerFactory(ILoggerProvider provider) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
