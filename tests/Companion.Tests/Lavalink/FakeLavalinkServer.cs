using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Companion.Tests.Lavalink;

/// <summary>
/// A scripted Lavalink v4 on Kestrel (loopback, a free port): checks the password like Lavalink
/// (401 without, 403 wrong), records every REST call with its raw body, answers from a script or with defaults,
/// and hands each accepted WebSocket to the test, which pushes ops and drops the connection at will.
/// </summary>
internal sealed class FakeLavalinkServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeLavalinkConnection> _connections = Channel.CreateUnbounded<FakeLavalinkConnection>();
    private readonly ConcurrentQueue<FakeLavalinkConnection> _all = new();
    private readonly ConcurrentDictionary<string, (int Status, string? Body)> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _handshakesToReject;

    private FakeLavalinkServer(WebApplication app) => _app = app;

    public string Password { get; init; } = "youshallnotpass";

    /// <summary>What <c>GET /v4/info</c> reports.</summary>
    public string Version { get; set; } = "4.2.2";

    public Uri BaseUri => new(_app.Urls.First());

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int HandshakeAttempts { get; private set; }

    /// <summary>False lets any REST caller in, to reach the WebSocket's own password check.</summary>
    public bool CheckRestPassword { get; set; } = true;

    public static async Task<FakeLavalinkServer> StartAsync(string password = "youshallnotpass")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeLavalinkServer(app) { Password = password };
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (no query) with this status and body from now on.</summary>
    public void Script(string method, string path, int status, string? body = null) => _script[method + " " + path] = (status, body);

    /// <summary>The next <paramref name="count"/> WebSocket handshakes get 503.</summary>
    public void RejectHandshakes(int count) => Interlocked.Exchange(ref _handshakesToReject, count);

    public async Task<FakeLavalinkConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public bool HasPendingConnection => _connections.Reader.Count > 0;

    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string pathStart) =>
        [.. _requests.Where(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _all)
        {
            connection.Abort();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (request.Path == "/v4/websocket")
        {
            HandshakeAttempts++;
            if (authorization != Password)
            {
                context.Response.StatusCode = 401;
                return;
            }

            if (Interlocked.Decrement(ref _handshakesToReject) >= 0)
            {
                context.Response.StatusCode = 503;
                return;
            }

            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            context.Response.Headers["Session-Resumed"] = headers.ContainsKey("Session-Id") ? "true" : "false";
            var socket = await context.WebSockets.AcceptWebSocketAsync();
            var connection = new FakeLavalinkConnection(socket, headers);
            _all.Enqueue(connection);
            await _connections.Writer.WriteAsync(connection);
            await connection.Finished;
            return;
        }

        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        _requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty, body, authorization));
        if (CheckRestPassword && string.IsNullOrEmpty(authorization))
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (CheckRestPassword && authorization != Password)
        {
            context.Response.StatusCode = 403;
            return;
        }

        if (_script.TryGetValue(request.Method + " " + request.Path, out var scripted))
        {
            await WriteAsync(context, scripted.Status, scripted.Body);
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (request.Method, segments)
        {
            case ("GET", ["v4", "info"]):
                await WriteAsync(context, 200, $$"""{"version":{"semver":"{{Version}}","major":4,"minor":2,"patch":2,"preRelease":null,"build":null},"buildTime":0,"jvm":"21","lavaplayer":"2.2","sourceManagers":[],"filters":[],"plugins":[]}""");
                return;
            case ("GET", ["v4", "stats"]):
                await WriteAsync(context, 200, """{"players":3,"playingPlayers":2,"uptime":60000,"memory":{"free":1,"used":2,"allocated":3,"reservable":4},"cpu":{"cores":8,"systemLoad":0.25,"lavalinkLoad":0.125}}""");
                return;
            case ("PATCH", ["v4", "sessions", _]):
                await WriteAsync(context, 200, body);
                return;
            case ("PATCH", ["v4", "sessions", _, "players", var guild]):
                await WriteAsync(context, 200, PlayerJson(guild));
                return;
            case ("GET", ["v4", "sessions", _, "players", var guild]):
                await WriteAsync(context, 200, PlayerJson(guild));
                return;
            case ("DELETE", ["v4", "sessions", _, "players", _]):
                context.Response.StatusCode = 204;
                return;
            default:
                await WriteAsync(context, 404, $$"""{"timestamp":1,"status":404,"error":"Not Found","message":"No route","path":"{{path}}"}""");
                return;
        }
    }

    public static string PlayerJson(string guildId) =>
        $$$"""{"guildId":"{{{guildId}}}","track":null,"volume":100,"paused":false,"state":{"time":1700000000000,"position":0,"connected":true,"ping":12},"voice":{"token":"t","endpoint":"e","sessionId":"s","channelId":"c"},"filters":{}}""";

    private static async Task WriteAsync(HttpContext context, int status, string? body)
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        }
    }
}

internal sealed record RecordedRequest(string Method, string Path, string Query, string Body, string Authorization);

/// <summary>One accepted WebSocket: the handshake headers, and ways to push ops or drop it.</summary>
internal sealed class FakeLavalinkConnection(WebSocket socket, IReadOnlyDictionary<string, string> headers)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public Task Finished => _finished.Task;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public async Task SendAsync(string json) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task SendReadyAsync(string sessionId, bool resumed = false) =>
        SendAsync($$"""{"op":"ready","resumed":{{(resumed ? "true" : "false")}},"sessionId":"{{sessionId}}"}""");

    /// <summary>Drops the TCP connection without a close frame, as a crashed Lavalink would.</summary>
    public void Abort()
    {
        if (_finished.Task.IsCompleted)
        {
            return;
        }

        socket.Abort();
        _finished.TrySetResult();
    }

    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        _finished.TrySetResult();
    }
}
