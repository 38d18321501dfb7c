using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Lavalink;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

internal static class Lavalinks
{
    public const ulong BotUserId = 100000000000000099;

    public const ulong GuildId = SandboxDefaults.GuildId;

    public const string FullVoice = """{"token":"voice-token","endpoint":"voice.sandbox.invalid:443","sessionId":"voice-session","channelId":"100000000000000040"}""";

    /// <summary>A double on a free port, driven by <paramref name="clock"/> (a fake one unless given).</summary>
    public static Task<LavalinkDouble> StartAsync(TimeProvider? clock = null, string version = LavalinkDoubleOptions.DefaultVersion, TimeSpan? playerUpdateInterval = null) =>
        LavalinkDouble.StartAsync(
            new LavalinkDoubleOptions
            {
                TimeProvider = clock ?? Sandboxes.NewClock(),
                Version = version,
                PlayerUpdateInterval = playerUpdateInterval ?? TimeSpan.FromSeconds(5),
            },
            TestContext.Token);

    public static HttpClient Rest(LavalinkDouble lavalink, string? password = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(lavalink.BaseUrl + "/") };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", password ?? lavalink.Password);
        return client;
    }

    public static async Task<JsonElement> LoadAsync(this HttpClient rest, string identifier) =>
        await (await rest.GetAsync("v4/loadtracks?identifier=" + Uri.EscapeDataString(identifier), TestContext.Token)).ReadJsonAsync();

    public static async Task<string> EncodedAsync(this HttpClient rest, string identifier) =>
        (await rest.LoadAsync(identifier)).GetProperty("data").GetProperty("encoded").GetString()!;

    public static Task<HttpResponseMessage> PatchPlayerAsync(this HttpClient rest, string sessionId, string json, bool noReplace = false, ulong guildId = GuildId) =>
        rest.PatchAsync($"v4/sessions/{sessionId}/players/{guildId}{(noReplace ? "?noReplace=true" : "")}", Sandboxes.Json(json), TestContext.Token);

    /// <summary>Connects a session and gives its player a voice connection and <paramref name="identifier"/>'s track.</summary>
    public static async Task<(LavalinkSocket Socket, string Encoded)> PlayAsync(LavalinkDouble lavalink, HttpClient rest, string identifier)
    {
        var socket = await LavalinkSocket.ConnectAsync(lavalink);
        var encoded = await rest.EncodedAsync(identifier);
        using var response = await rest.PatchPlayerAsync(socket.SessionId, $$$"""{"voice":{{{FullVoice}}},"track":{"encoded":"{{{encoded}}}"}}""");
        response.EnsureSuccessStatusCode();
        await socket.NextEventAsync("TrackStartEvent");
        return (socket, encoded);
    }
}

/// <summary>A bot's Lavalink WebSocket: collects every message so tests can take them in order.</summary>
internal sealed class LavalinkSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _receiving;

    private LavalinkSocket(ClientWebSocket socket, JsonElement ready)
    {
        _socket = socket;
        Ready = ready;
        _receiving = ReceiveAsync();
    }

    public JsonElement Ready { get; }

    public string SessionId => Ready.GetProperty("sessionId").GetString()!;

    public bool Resumed => Ready.GetProperty("resumed").GetBoolean();

    public string SessionResumedHeader { get; private init; } = "";

    public static async Task<LavalinkSocket> ConnectAsync(LavalinkDouble lavalink, string? sessionId = null)
    {
        var socket = NewSocket(lavalink.Password, Lavalinks.BotUserId.ToString(System.Globalization.CultureInfo.InvariantCulture), sessionId);
        await socket.ConnectAsync(lavalink.WebSocketUrl, TestContext.Token);
        var header = socket.HttpResponseHeaders?.TryGetValue("Session-Resumed", out var values) == true ? string.Join(",", values) : "";
        var ready = await ReadOneAsync(socket) ?? throw new InvalidOperationException("The socket closed before ready.");
        return new LavalinkSocket(socket, ready) { SessionResumedHeader = header };
    }

    /// <summary>The handshake's HTTP status when it is refused.</summary>
    public static async Task<int> RefusedStatusAsync(LavalinkDouble lavalink, string? password, string? userId)
    {
        using var socket = NewSocket(password, userId, null);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(lavalink.WebSocketUrl, TestContext.Token));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The next message that is not a periodic op (playerUpdate, stats) unless <paramref name="op"/> asks for one.</summary>
    public async Task<JsonElement> NextAsync(string? op = null)
    {
        using var timeout = new CancellationTokenSource(Sandboxes.WaitTimeout);
        while (true)
        {
            var message = await _messages.Reader.ReadAsync(timeout.Token);
            var messageOp = message.GetProperty("op").GetString();
            if (op is null ? messageOp is not ("playerUpdate" or "stats") : messageOp == op)
            {
                return message;
            }
        }
    }

    /// <summary>The next event op, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> NextEventAsync(string type)
    {
        var message = await NextAsync();
        Assert.Equal("event", message.GetProperty("op").GetString());
        Assert.Equal(type, message.GetProperty("type").GetString());
        return message;
    }

    /// <summary>Whether a non-periodic message is already waiting (after the test made sure nothing else can arrive).</summary>
    public bool HasPendingEvent()
    {
        while (_messages.Reader.TryPeek(out var message))
        {
            if (message.GetProperty("op").GetString() is not ("playerUpdate" or "stats"))
            {
                return true;
            }

            _messages.Reader.TryRead(out _);
        }

        return false;
    }

    /// <summary>Drops the connection without a close handshake, as a crashed bot would.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", TestContext.Token);
            }
            catch (WebSocketException)
            {
                // Already gone.
            }
        }

        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }

    private static ClientWebSocket NewSocket(string? password, string? userId, string? sessionId)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (password is not null)
        {
            socket.Options.SetRequestHeader("Authorization", password);
        }

        if (userId is not null)
        {
            socket.Options.SetRequestHeader("User-Id", userId);
        }

        socket.Options.SetRequestHeader("Client-Name", "sandbox-tests/1.0");
        if (sessionId is not null)
        {
            socket.Options.SetRequestHeader("Session-Id", sessionId);
        }

        return socket;
    }

    private async Task ReceiveAsync()
    {
        try
        {
            while (await ReadOneAsync(_socket) is { } message)
            {
                _messages.Writer.TryWrite(message);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended; NextAsync then times out.
        }
    }

    private static async Task<JsonElement?> ReadOneAsync(ClientWebSocket socket)
    {
        var buffer = new byte[8192];
        using var text = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            text.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                using var document = JsonDocument.Parse(Encoding.UTF8.GetString(text.ToArray()));
                return document.RootElement.Clone();
            }
        }
    }
}

internal static class FakeClockExtensions
{
    /// <summary>Advances in small steps so each timer fires at its own moment, as on a real clock.</summary>
    public static void AdvanceInSteps(this FakeTimeProvider clock, TimeSpan total, TimeSpan step)
    {
        for (var advanced = TimeSpan.Zero; advanced < total; advanced += step)
        {
            clock.Advance(step);
        }
    }
}
