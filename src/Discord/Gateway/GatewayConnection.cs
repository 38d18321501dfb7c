namespace Serverless.Discord.Gateway;

/// <summary>
/// One open gateway socket, reduced to what the protocol needs, so the shard logic runs against a scripted fake in tests.
/// At most one <see cref="SendAsync"/> (or <see cref="CloseAsync"/>) and one <see cref="ReceiveAsync"/> may run at a time.
/// </summary>
public interface IGatewayConnection : IAsyncDisposable
{
    /// <summary>Sends one text message (UTF-8 JSON). Throws <see cref="GatewayConnectionLostException"/> when the socket is gone.</summary>
    Task SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken);

    /// <summary>The next whole message, or the close (with Discord's code when it sent one).</summary>
    Task<GatewayReceiveResult> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes the socket with <paramref name="code"/>. Anything other than 1000/1001 keeps Discord's session resumable.
    /// Never throws for an already broken socket: closing is best effort.
    /// </summary>
    Task CloseAsync(int code, string reason, CancellationToken cancellationToken);
}

/// <summary>Opens gateway sockets.</summary>
public interface IGatewayConnector
{
    /// <summary>Connects to <paramref name="url"/> (query string included). Throws when the connection cannot be made.</summary>
    Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>A received message, or the end of the connection.</summary>
public sealed class GatewayReceiveResult
{
    private GatewayReceiveResult(ReadOnlyMemory<byte> message, bool isClose, int? closeCode, string? closeReason)
    {
        Message = message;
        IsClose = isClose;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    /// <summary>The whole message as UTF-8 JSON; empty for a close.</summary>
    public ReadOnlyMemory<byte> Message { get; }

    public bool IsClose { get; }

    /// <summary>The close code the server sent; null when the connection dropped without one.</summary>
    public int? CloseCode { get; }

    public string? CloseReason { get; }

    public static GatewayReceiveResult FromMessage(ReadOnlyMemory<byte> utf8Json) => new(utf8Json, false, null, null);

    public static GatewayReceiveResult Closed(int? code, string? reason) => new(ReadOnlyMemory<byte>.Empty, true, code, reason);
}

/// <summary>The socket broke while sending; the shard reconnects and the caller may try again.</summary>
public sealed class GatewayConnectionLostException : Exception
{
    public GatewayConnectionLostException()
        : base("The gateway connection was lost.")
    {
    }

    public GatewayConnectionLostException(string message)
        : base(message)
    {
    }

    public GatewayConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A payload over Discord's 4096-byte limit: sending it would get the connection closed with 4002.</summary>
public sealed class GatewayPayloadTooLargeException : InvalidOperationException
{
    public GatewayPayloadTooLargeException()
    {
    }

    public GatewayPayloadTooLargeException(string message)
        : base(message)
    {
    }

    public GatewayPayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GatewayPayloadTooLargeException(int opcode, int byteCount)
        : base($"Gateway payload for op {opcode} is {byteCount} bytes; Discord accepts at most {GatewayLimits.MaxPayloadBytes}.")
    {
        Opcode = opcode;
        ByteCount = byteCount;
    }

    public int Opcode { get; }

    public int ByteCount { get; }
}

/// <summary>The shard stopped for good (a fatal close code); sending through it cannot succeed.</summary>
public sealed class GatewayShardFailedException : InvalidOperationException
{
    public GatewayShardFailedException()
    {
    }

    public GatewayShardFailedException(string message)
        : base(message)
    {
    }

    public GatewayShardFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
