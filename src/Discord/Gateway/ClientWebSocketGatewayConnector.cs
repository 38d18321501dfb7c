using System.Buffers;
using System.Net.WebSockets;

namespace Serverless.Discord.Gateway;

/// <summary>The production transport: a plain <see cref="ClientWebSocket"/>, JSON text frames, no compression.</summary>
public sealed class ClientWebSocketGatewayConnector(TimeProvider timeProvider) : IGatewayConnector
{
    public async Task<IGatewayConnection> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
            return new ClientWebSocketGatewayConnection(socket, timeProvider);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

internal sealed class ClientWebSocketGatewayConnection(ClientWebSocket socket, TimeProvider timeProvider) : IGatewayConnection
{
    // Closing waits this long for the close frame to go out; a zombied socket must not hold up the reconnect.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    // How long closing waits for the server's answer while a receive is pending; a zombie never answers.
    private static readonly TimeSpan CloseAnswerWait = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource _closeReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _receivePending;

    public async Task SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(utf8Json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or IOException)
        {
            throw new GatewayConnectionLostException("The gateway connection was lost while sending.", exception);
        }
    }

    public async Task<GatewayReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            // Discord splits large dispatches (GUILD_CREATE) over several frames: gather until EndOfMessage.
            ArrayBufferWriter<byte>? whole = null;
            while (true)
            {
                ValueWebSocketReceiveResult received;
                Volatile.Write(ref _receivePending, 1);
                try
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                }
                catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or IOException)
                {
                    _closeReceived.TrySetResult();
                    return GatewayReceiveResult.Closed(null, exception.Message);
                }
                finally
                {
                    Volatile.Write(ref _receivePending, 0);
                }

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    _closeReceived.TrySetResult();
                    return GatewayReceiveResult.Closed(socket.CloseStatus is { } status ? (int)status : null, socket.CloseStatusDescription);
                }

                if (received.EndOfMessage && whole is null)
                {
                    return GatewayReceiveResult.FromMessage(buffer.AsSpan(0, received.Count).ToArray());
                }

                whole ??= new ArrayBufferWriter<byte>(buffer.Length * 2);
                whole.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    return GatewayReceiveResult.FromMessage(whole.WrittenMemory);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var deadline = new CancellationTokenSource(CloseTimeout, timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // The code is set explicitly: ClientWebSocket's usual NormalClosure (1000) would end Discord's session.
            // CloseOutputAsync sends our close frame without waiting for the server's answer, which a zombie never gives.
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            socket.Abort();
            return;
        }

        // The caller stops the pending receive next, and ClientWebSocket aborts the socket when a receive is cancelled:
        // the reset could overtake our close frame at the server, which would then see a dropped connection instead
        // of our code. So let the pending receive take the server's answer first, for a short while.
        if (Volatile.Read(ref _receivePending) == 1)
        {
            try
            {
                await _closeReceived.Task.WaitAsync(CloseAnswerWait, timeProvider, cancellationToken);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                // A zombie, or the caller gave up: close without the answer.
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
