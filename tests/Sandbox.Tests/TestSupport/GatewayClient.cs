using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Tests.TestSupport;

/// <summary>A bare gateway client on a real <see cref="ClientWebSocket"/>: the test drives every step itself.</summary>
internal sealed class GatewayClient : IAsyncDisposable
{
    public const int GuildsAndVoiceStates = (1 << 0) | (1 << 7);

    private readonly ClientWebSocket _socket = new();

    private GatewayClient()
    {
    }

    public WebSocketState State => _socket.State;

    /// <summary>Connects to the sandbox's gateway with <paramref name="query"/> (Discord's by default); nothing is read yet.</summary>
    public static async Task<GatewayClient> ConnectAsync(SandboxServer sandbox, string query = "?v=10&encoding=json")
    {
        var client = new GatewayClient();
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        await client._socket.ConnectAsync(new Uri(sandbox.GatewayUrl + query), timeout.Token);
        return client;
    }

    /// <summary>Connects, reads Hello, identifies and reads READY and every GUILD_CREATE after it.</summary>
    public static async Task<(GatewayClient Client, JsonElement Ready)> ConnectAndIdentifyAsync(SandboxServer sandbox, int intents = GuildsAndVoiceStates, int guildCount = 1)
    {
        var client = await ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);
        await client.SendAsync(Identify(sandbox.BotToken, intents));
        var ready = await client.ExpectDispatchAsync("READY");
        for (var i = 0; i < guildCount; i++)
        {
            await client.ExpectDispatchAsync("GUILD_CREATE");
        }

        return (client, ready.GetProperty("d"));
    }

    public static string Identify(string token, int intents = GuildsAndVoiceStates, string shard = "[0,1]") =>
        $$$"""{"op":2,"d":{"token":"{{{token}}}","intents":{{{intents}}},"properties":{"os":"linux","browser":"sandbox-tests","device":"sandbox-tests"},"shard":{{{shard}}}}}""";

    public static string Resume(string token, string sessionId, long sequence) =>
        $$$"""{"op":6,"d":{"token":"{{{token}}}","session_id":"{{{sessionId}}}","seq":{{{sequence}}}}}""";

    public static string VoiceStateUpdate(ulong guildId, ulong? channelId) =>
        $$$"""{"op":4,"d":{"guild_id":"{{{guildId}}}","channel_id":{{{(channelId is { } channel ? $"\"{channel}\"" : "null")}}},"self_mute":false,"self_deaf":true}}""";

    public async Task SendAsync(string json)
    {
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next payload; fails the test if the connection closes first.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (payload, closeStatus) = await ReceiveOrCloseAsync();
        return payload ?? throw new InvalidOperationException($"The gateway closed the connection ({closeStatus?.ToString() ?? "no close frame"}) instead of sending a payload.");
    }

    public async Task<JsonElement> ExpectOpAsync(int op)
    {
        var payload = await ReceiveAsync();
        Assert.True(payload.GetProperty("op").GetInt32() == op, $"Expected op {op}, got {payload.GetRawText()}");
        return payload;
    }

    public async Task<JsonElement> ExpectDispatchAsync(string eventName)
    {
        var payload = await ExpectOpAsync(0);
        Assert.Equal(eventName, payload.GetProperty("t").GetString());
        return payload;
    }

    /// <summary>Reads until the server closes; the close code, or null when the connection ended with no close frame.</summary>
    public async Task<int?> ReceiveCloseAsync()
    {
        while (true)
        {
            var (payload, closeStatus) = await ReceiveOrCloseAsync();
            if (payload is null)
            {
                return closeStatus;
            }
        }
    }

    /// <summary>Closes as a client would, with a code of its choosing.</summary>
    public async Task CloseAsync(int code)
    {
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        await _socket.CloseAsync((WebSocketCloseStatus)code, "test", timeout.Token);
    }

    /// <summary>Drops the connection with no close frame, as a crashed client would.</summary>
    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(JsonElement? Payload, int? CloseStatus)> ReceiveOrCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = (int?)_socket.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", timeout.Token);
                    }

                    return (null, status);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    using var document = JsonDocument.Parse(message.ToArray());
                    return (document.RootElement.Clone(), null);
                }
            }
        }
        catch (WebSocketException)
        {
            return (null, null);
        }
    }
}
