using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Serverless.Discord.Gateway;

namespace Serverless.Discord.Tests.Gateway;

/// <summary>The production transport against a real local WebSocket server (HttpListener).</summary>
public sealed class ClientWebSocketGatewayConnectorTests
{
    [Fact]
    public async Task Connector_ReassemblesFragmentedMessages_SendsText_AndClosesWithTheGivenCode()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var webSocket = (await context.AcceptWebSocketAsync(null)).WebSocket;
            var hello = Encoding.UTF8.GetBytes("""{"op":10,"d":{"heartbeat_interval":41250}}""");
            // One gateway message over two frames, as Discord does for large dispatches.
            await webSocket.SendAsync(hello.AsMemory(0, 10), WebSocketMessageType.Text, false, CancellationToken.None);
            await webSocket.SendAsync(hello.AsMemory(10), WebSocketMessageType.Text, true, CancellationToken.None);

            var buffer = new byte[4096];
            var received = await webSocket.ReceiveAsync(buffer, CancellationToken.None);
            var text = Encoding.UTF8.GetString(buffer, 0, received.Count);
            var close = await webSocket.ReceiveAsync(buffer, CancellationToken.None);
            return (text, close.CloseStatus);
        });

        var connector = new ClientWebSocketGatewayConnector(TimeProvider.System);
        await using (var connection = await connector.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/?v=10&encoding=json"), CancellationToken.None).WaitAsync(Safety.Timeout))
        {
            var hello = await connection.ReceiveAsync(CancellationToken.None).WaitAsync(Safety.Timeout);
            Assert.False(hello.IsClose);
            Assert.Equal("""{"op":10,"d":{"heartbeat_interval":41250}}""", Encoding.UTF8.GetString(hello.Message.Span));

            await connection.SendAsync(Encoding.UTF8.GetBytes("""{"op":1,"d":null}"""), CancellationToken.None).WaitAsync(Safety.Timeout);
            await connection.CloseAsync(GatewayShardClient.ResumableCloseCode, "reconnecting", CancellationToken.None).WaitAsync(Safety.Timeout);
        }

        var (text, closeStatus) = await server.WaitAsync(Safety.Timeout);
        Assert.Equal("""{"op":1,"d":null}""", text);
        Assert.Equal(4000, (int?)closeStatus);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
