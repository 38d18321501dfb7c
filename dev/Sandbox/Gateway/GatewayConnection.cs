using System.Net.WebSockets;
using System.Threading.Channels;
using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Gateway;

/// <summary>
/// One client WebSocket. Everything it sends goes through one writer loop, so frames leave in the order they were
/// queued (the order their sequence numbers were given) and never two sends overlap. The mutable fields are
/// guarded by <see cref="GatewayDouble"/>'s lock.
/// </summary>
internal sealed class GatewayConnection
{
    /// <summary>How long a client gets to answer our close frame before the connection is simply dropped.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HttpContext _http;
    private readonly CancellationTokenSource _receiveStop;
    private readonly Queue<DateTimeOffset> _recentReceives = new();

    public GatewayConnection(long id, WebSocket socket, HttpContext http, DateTimeOffset openedAt, CancellationTokenSource receiveStop)
    {
        Id = id;
        Socket = socket;
        _http = http;
        OpenedAt = openedAt;
        _receiveStop = receiveStop;
    }

    public long Id { get; }

    public WebSocket Socket { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary>Cancelled when the gateway stops, or when the client did not answer our close frame in time.</summary>
    public CancellationToken ReceiveToken => _receiveStop.Token;

    /// <summary>Set by Identify or Resume; cleared when the session is invalidated, so the client may identify again.</summary>
    public GatewaySession? Session { get; set; }

    /// <summary>The shard of the last session this connection held, kept for reporting after it is gone.</summary>
    public int? ShardId { get; set; }

    public string? LastSessionId { get; set; }

    /// <summary>Heartbeats on this connection get no ACK.</summary>
    public bool Zombie { get; set; }

    /// <summary>A close frame or a drop is queued: nothing more is sent and what arrives is ignored.</summary>
    public bool Closing { get; private set; }

    public (GatewayCloseInitiator By, int? Code, string? Reason)? Ending { get; private set; }

    public GatewayConnectionEnded? Ended { get; set; }

    public bool IsOpen => Ended is null;

    public bool TrySend(byte[] frame) => !Closing && _outgoing.Writer.TryWrite(Outgoing.Text(frame));

    public void Close(int code, string reason)
    {
        if (Closing)
        {
            return;
        }

        Closing = true;
        Ending = (GatewayCloseInitiator.Server, code, reason);
        _outgoing.Writer.TryWrite(Outgoing.Close(code, reason));
    }

    /// <summary>Ends the TCP connection with no close frame, as a crashed server or a broken network would.</summary>
    public void Drop()
    {
        if (Closing)
        {
            return;
        }

        Closing = true;
        Ending = (GatewayCloseInitiator.ServerDropped, null, null);
        _outgoing.Writer.TryWrite(Outgoing.Abort());
    }

    /// <summary>Aborts at once, even with frames still queued or a send stuck on a client that stopped reading.</summary>
    public void AbortNow()
    {
        Closing = true;
        Ending ??= (GatewayCloseInitiator.ServerDropped, null, null);
        _outgoing.Writer.TryComplete();
        _http.Abort();
    }

    /// <summary>The client closed first: answer with its own code to finish the handshake.</summary>
    public void ClientClosed(WebSocketCloseStatus? status, string? reason)
    {
        if (Closing)
        {
            return;
        }

        Closing = true;
        Ending = (GatewayCloseInitiator.Client, status is { } code ? (int)code : null, reason);
        _outgoing.Writer.TryWrite(Outgoing.Close(status is { } echo ? (int)echo : (int)WebSocketCloseStatus.NormalClosure, ""));
    }

    /// <summary>The connection broke without a close frame from the client, unless something else ended it first.</summary>
    public void ReceiveFailed() => Ending ??= (GatewayCloseInitiator.ClientDropped, null, null);

    /// <summary>Counts a received payload; false when it is one too many for the window (Discord's 120 per 60 s).</summary>
    public bool TryCountReceive(DateTimeOffset now, RouteRateLimit limit)
    {
        while (_recentReceives.Count > 0 && now - _recentReceives.Peek() >= limit.Period)
        {
            _recentReceives.Dequeue();
        }

        if (_recentReceives.Count >= limit.Limit)
        {
            return false;
        }

        _recentReceives.Enqueue(now);
        return true;
    }

    public void CompleteWriter() => _outgoing.Writer.TryComplete();

    public async Task RunWriterAsync()
    {
        try
        {
            await foreach (var item in _outgoing.Reader.ReadAllAsync())
            {
                switch (item.Kind)
                {
                    case OutgoingKind.Text:
                        await Socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                        break;
                    case OutgoingKind.Close:
                        if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                        {
                            await Socket.CloseOutputAsync((WebSocketCloseStatus)item.CloseCode, item.CloseReason, CancellationToken.None);
                        }

                        _receiveStop.CancelAfter(CloseHandshakeTimeout);
                        return;
                    case OutgoingKind.Abort:
                        _http.Abort();
                        return;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone; the receive loop notices and records how the connection ended.
        }
    }

    private enum OutgoingKind
    {
        Text,
        Close,
        Abort,
    }

    private readonly record struct Outgoing(OutgoingKind Kind, byte[] Frame, int CloseCode, string? CloseReason)
    {
        public static Outgoing Text(byte[] frame) => new(OutgoingKind.Text, frame, 0, null);

        public static Outgoing Close(int code, string reason) => new(OutgoingKind.Close, [], code, reason);

        public static Outgoing Abort() => new(OutgoingKind.Abort, [], 0, null);
    }
}
