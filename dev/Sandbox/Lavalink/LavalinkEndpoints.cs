using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Lavalink;

/// <summary>Lavalink v4's routes over a <see cref="LavalinkEngine"/>: the WebSocket, REST, and the auth in front of both.</summary>
internal static partial class LavalinkEndpoints
{
    public const string WebSocketPath = "/v4/websocket";

    private const string RecordedItem = "lavalink.recorded";

    public static void Map(WebApplication app, LavalinkEngine engine)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Sandbox.Lavalink");
        app.Use((context, next) => context.Request.Path.StartsWithSegments(LavalinkControlEndpoints.Prefix, StringComparison.Ordinal)
            ? next(context)
            : AuthorizeAndRecordAsync(context, next, engine, logger));
        app.UseWebSockets();

        app.Map(WebSocketPath, context => AcceptWebSocketAsync(context, engine, logger));
        app.MapGet("/version", () => Results.Text(engine.Options.Version, "text/plain", Encoding.UTF8));
        app.MapGet("/v4/info", () => Results.Json(Info(engine.Options.Version), LavalinkJsonContext.Wire.InfoWire));
        app.MapGet("/v4/stats", () => Results.Json(engine.Stats(), LavalinkJsonContext.Wire.StatsWire));
        app.MapGet("/v4/loadtracks", (HttpContext context) => LoadTracks(context, engine));
        app.MapGet("/v4/decodetrack", (HttpContext context) => DecodeTrack(context, engine));
        app.MapPost("/v4/decodetracks", (HttpContext context) => DecodeTracks(context, engine));

        var sessions = app.MapGroup("/v4/sessions/{sessionId}");
        sessions.MapPatch("", (HttpContext context, string sessionId) => UpdateSession(context, engine, sessionId));
        sessions.MapGet("/players", (HttpContext context, string sessionId) =>
            WithSession(context, engine, sessionId, session => Results.Json(engine.GetPlayers(session), LavalinkJsonContext.Wire.ListPlayerWire)));
        sessions.MapGet("/players/{guildId}", (HttpContext context, string sessionId, string guildId) =>
            WithPlayer(context, engine, sessionId, guildId, (session, id) => engine.GetPlayer(session, id) is { } player
                ? Results.Json(player, LavalinkJsonContext.Wire.PlayerWire)
                : Error(context, engine, StatusCodes.Status404NotFound, "Player not found")));
        sessions.MapPatch("/players/{guildId}", (HttpContext context, string sessionId, string guildId) =>
            WithPlayer(context, engine, sessionId, guildId, (session, id) => UpdatePlayer(context, engine, session, id)));
        sessions.MapDelete("/players/{guildId}", (HttpContext context, string sessionId, string guildId) =>
            WithPlayer(context, engine, sessionId, guildId, (session, id) =>
            {
                engine.DestroyPlayer(session, id);
                return Results.NoContent();
            }));

        app.MapFallback((HttpContext context) => Error(context, engine, StatusCodes.Status404NotFound, "Not Found"));
    }

    /// <summary>
    /// Every route needs the password, <c>/version</c> included: missing gives 401, wrong gives 403, both
    /// without a body (Lavalink's RequestAuthorizationFilter). Every request is recorded with its final status.
    /// </summary>
    private static async Task AuthorizeAndRecordAsync(HttpContext context, RequestDelegate next, LavalinkEngine engine, ILogger logger)
    {
        var request = context.Request;
        var at = engine.Time.GetUtcNow();
        var body = await RequestBody.CaptureAsync(context);
        int? failedStatus = null;
        try
        {
            var authorization = request.Headers.Authorization;
            if (authorization.Count == 0)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization.ToString()), Encoding.UTF8.GetBytes(engine.Options.Password)))
            {
                Log.WrongPassword(logger, request.Method, request.Path.Value ?? "/");
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await next(context);
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            failedStatus = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            if (!context.Items.ContainsKey(RecordedItem))
            {
                Record(context, engine, at, body.Text, failedStatus ?? context.Response.StatusCode);
            }
        }
    }

    private static void Record(HttpContext context, LavalinkEngine engine, DateTimeOffset at, string body, int status)
    {
        var request = context.Request;
        context.Items[RecordedItem] = true;
        engine.Recorder.Add(sequence => new RecordedCall(
            sequence,
            request.Method.ToUpperInvariant(),
            request.Path.Value ?? "/",
            request.QueryString.Value ?? "",
            body,
            status,
            at,
            InteractionToken: null,
            HasAuthorization: request.Headers.Authorization.Count > 0,
            Faulted: false));
    }

    // ---- WebSocket ----

    private static async Task AcceptWebSocketAsync(HttpContext context, LavalinkEngine engine, ILogger logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteAsync(context, Error(context, engine, StatusCodes.Status400BadRequest, "Can \"Upgrade\" only to \"WebSocket\"."));
            return;
        }

        var headers = context.Request.Headers;
        if (!ulong.TryParse(headers["User-Id"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var userId) || userId == 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var clientName = headers["Client-Name"].FirstOrDefault();
        var resumeId = headers["Session-Id"].FirstOrDefault();
        var (session, resumed) = engine.OpenSession(userId, clientName, string.IsNullOrEmpty(resumeId) ? null : resumeId);
        LavalinkEngine.Connection? connection = null;
        try
        {
            context.Response.Headers["Session-Resumed"] = resumed ? "true" : "false";
            Record(context, engine, engine.Time.GetUtcNow(), "", StatusCodes.Status101SwitchingProtocols);
            var socket = await context.WebSockets.AcceptWebSocketAsync();
            connection = new LavalinkEngine.Connection(socket);
            engine.Attach(session, connection, resumed);
            Log.Connected(logger, session.Id, resumed, clientName ?? "(no Client-Name)");
            await connection.RunAsync(context.RequestAborted);
        }
        finally
        {
            engine.Detach(session, connection);
            Log.Disconnected(logger, session.Id);
        }
    }

    // ---- REST ----

    private static IResult LoadTracks(HttpContext context, LavalinkEngine engine)
    {
        var identifier = context.Request.Query["identifier"].ToString();
        if (identifier.Length == 0)
        {
            return Error(context, engine, StatusCodes.Status400BadRequest, "Required request parameter 'identifier' for method parameter type String is not present");
        }

        return Results.Json(engine.Tracks.Load(identifier).ToWire(), LavalinkJsonContext.Wire.LoadResultWire);
    }

    private static IResult DecodeTrack(HttpContext context, LavalinkEngine engine)
    {
        var encoded = context.Request.Query["encodedTrack"].ToString();
        return SyntheticTracks.TryDecode(encoded, out var info)
            ? Results.Json(SyntheticTracks.Encode(info), LavalinkJsonContext.Wire.TrackWire)
            : Error(context, engine, StatusCodes.Status400BadRequest, "Failed to decode track");
    }

    private static IResult DecodeTracks(HttpContext context, LavalinkEngine engine)
    {
        if (!RequestBody.Of(context).TryParse(out var body) || body.ValueKind != JsonValueKind.Array)
        {
            return Error(context, engine, StatusCodes.Status400BadRequest, "The body must be a JSON array of encoded tracks");
        }

        var tracks = new List<TrackWire>();
        foreach (var item in body.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !SyntheticTracks.TryDecode(item.GetString(), out var info))
            {
                return Error(context, engine, StatusCodes.Status400BadRequest, "Failed to decode track");
            }

            tracks.Add(SyntheticTracks.Encode(info));
        }

        return Results.Json(tracks, LavalinkJsonContext.Wire.ListTrackWire);
    }

    private static IResult UpdateSession(HttpContext context, LavalinkEngine engine, string sessionId) =>
        WithSession(context, engine, sessionId, session =>
        {
            if (!RequestBody.Of(context).TryParse(out var body) || body.ValueKind != JsonValueKind.Object)
            {
                return Error(context, engine, StatusCodes.Status400BadRequest, "The body must be a JSON object");
            }

            bool? resuming = body.TryGetProperty("resuming", out var r) && r.ValueKind is JsonValueKind.True or JsonValueKind.False ? r.GetBoolean() : null;
            long? timeout = null;
            if (body.TryGetProperty("timeout", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out var seconds) || seconds < 0)
                {
                    return Error(context, engine, StatusCodes.Status400BadRequest, "timeout must be a non-negative number of seconds");
                }

                timeout = seconds;
            }

            return Results.Json(engine.UpdateSession(session, resuming, timeout), LavalinkJsonContext.Wire.SessionUpdateWire);
        });

    private static IResult UpdatePlayer(HttpContext context, LavalinkEngine engine, LavalinkEngine.Session session, ulong guildId)
    {
        if (!RequestBody.Of(context).TryParse(out var body) || body.ValueKind != JsonValueKind.Object)
        {
            return Error(context, engine, StatusCodes.Status400BadRequest, "The body must be a JSON object");
        }

        var (patch, problem) = PlayerPatchReader.Read(body, engine.Tracks);
        if (patch is null)
        {
            return Error(context, engine, StatusCodes.Status400BadRequest, problem!);
        }

        var noReplace = bool.TryParse(context.Request.Query["noReplace"], out var flag) && flag;
        return Results.Json(engine.UpdatePlayer(session, guildId, patch, noReplace), LavalinkJsonContext.Wire.PlayerWire);
    }

    private static IResult WithSession(HttpContext context, LavalinkEngine engine, string sessionId, Func<LavalinkEngine.Session, IResult> handle) =>
        engine.FindSession(sessionId) is { } session
            ? handle(session)
            : Error(context, engine, StatusCodes.Status404NotFound, "Session not found");

    private static IResult WithPlayer(HttpContext context, LavalinkEngine engine, string sessionId, string guildId, Func<LavalinkEngine.Session, ulong, IResult> handle) =>
        WithSession(context, engine, sessionId, session =>
            ulong.TryParse(guildId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? handle(session, id)
                : Error(context, engine, StatusCodes.Status400BadRequest, $"Invalid guild id '{guildId}'"));

    /// <summary>Lavalink's (Spring's) error body; <c>trace</c> only with <c>?trace=true</c>, which the double never has.</summary>
    private static IResult Error(HttpContext context, LavalinkEngine engine, int status, string message) => Results.Json(
        new ErrorWire
        {
            Timestamp = engine.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Status = status,
            Error = ReasonPhrases.GetReasonPhrase(status),
            Message = message,
            Path = context.Request.Path.Value ?? "/",
        },
        LavalinkJsonContext.Wire.ErrorWire,
        statusCode: status);

    private static Task WriteAsync(HttpContext context, IResult result) => result.ExecuteAsync(context);

    private static InfoWire Info(string version)
    {
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var build = plus < 0 ? null : version[(plus + 1)..];
        var core = plus < 0 ? version : version[..plus];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        var preRelease = dash < 0 ? null : core[(dash + 1)..];
        var numbers = (dash < 0 ? core : core[..dash]).Split('.').Select(part => int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        return new InfoWire
        {
            Version = new VersionWire { Semver = version, Major = numbers[0], Minor = numbers[1], Patch = numbers[2], PreRelease = preRelease, Build = build },
            BuildTime = 1772841600000,
            Git = new GitWire { Branch = "main", Commit = "0000000sandbox", CommitTime = 1772841600000 },
            Jvm = "21.0.6",
            Lavaplayer = "2.2.4",
            SourceManagers = ["youtube", "soundcloud", "http"],
            Filters = [],
            Plugins = [],
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Lavalink session {SessionId} connected (resumed: {Resumed}) by {ClientName}")]
        public static partial void Connected(ILogger logger, string sessionId, bool resumed, string clientName);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Lavalink session {SessionId} disconnected")]
        public static partial void Disconnected(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Lavalink request {Method} {Path} with a wrong password: 403")]
        public static partial void WrongPassword(ILogger logger, string method, string path);
    }
}
