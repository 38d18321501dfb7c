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

    [Fact]
    public async Task Shard_OverRealWebSocket_IdentifiesAndOnShutdownClosesWith4000()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var query = context.Request.Url!.Query;
            var webSocket = (await context.AcceptWebSocketAsync(null)).WebSocket;
            await SendTextAsync(webSocket, $$$"""{"op":10,"d":{"heartbeat_interval":{{{GatewayHarness.QuietHeartbeatMs}}}}}""");
            var buffer = new byte[4096];
            var identify = await webSocket.ReceiveAsync(buffer, CancellationToken.None);
            var identifyText = Encoding.UTF8.GetString(buffer, 0, identify.Count);
            await SendTextAsync(webSocket, """{"op":0,"t":"READY","s":1,"d":{"session_id":"s1","resume_gateway_url":"ws://127.0.0.1:1/","user":{"id":"5"},"guilds":[]}}""");
            var close = await webSocket.ReceiveAsync(buffer, CancellationToken.None);

            // Answer the close as Discord does (RFC 6455): the client waits for it before stopping its receive.
            await webSocket.CloseOutputAsync(close.CloseStatus ?? WebSocketCloseStatus.Empty, null, CancellationToken.None);
            return (query, identifyText, close.CloseStatus);
        });

        await using var harness = new GatewayHarness();
        var shard = new GatewayShardClient(0, 1, new Uri($"ws://127.0.0.1:{port}/"), new Rest.DiscordCredentials(GatewayHarness.Token), harness.Options,
            new ClientWebSocketGatewayConnector(harness.Clock), harness.CreateLimiter(), harness.Store, harness.Handler, harness.Clock, harness.Random,
            new Microsoft.Extensions.Logging.Logger<GatewayShardClient>(harness.LoggerFactory));
        var running = harness.Run(shard);
        await harness.Handler.WaitForSequenceAsync(1);

        harness.Stop();
        await running.WaitAsync(Safety.Timeout);

        var (query, identifyText, closeStatus) = await server.WaitAsync(Safety.Timeout);
        Assert.Equal("?v=10&encoding=json", query);
        Assert.Contains("\"op\":2", identifyText, StringComparison.Ordinal);
        Assert.Equal(GatewayShardClient.ResumableCloseCode, (int?)closeStatus);
        Assert.Equal("s1", harness.Store[0]!.SessionId);
    }

    private static Task SendTextAsync(WebSocket webSocket, string text) =>
        webSocket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
