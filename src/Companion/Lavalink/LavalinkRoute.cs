namespace Serverless.Companion.Lavalink;

/// <summary>
/// One of Lavalink's REST routes as telemetry names it: the template (never the session id, the guild id or the search
/// text) and the span name, built once. <see cref="NotFoundIsAnswer"/>: a 404 is an expected answer (no such player),
/// not a failed call.
/// </summary>
internal sealed record LavalinkRoute(HttpMethod Method, string Template, bool NotFoundIsAnswer = false)
{
    public static readonly LavalinkRoute Info = new(HttpMethod.Get, "/v4/info");
    public static readonly LavalinkRoute Stats = new(HttpMethod.Get, "/v4/stats");
    public static readonly LavalinkRoute LoadTracks = new(HttpMethod.Get, "/v4/loadtracks");
    public static readonly LavalinkRoute UpdatePlayer = new(HttpMethod.Patch, "/v4/sessions/{sessionId}/players/{guildId}");
    public static readonly LavalinkRoute GetPlayer = new(HttpMethod.Get, "/v4/sessions/{sessionId}/players/{guildId}", NotFoundIsAnswer: true);
    public static readonly LavalinkRoute DestroyPlayer = new(HttpMethod.Delete, "/v4/sessions/{sessionId}/players/{guildId}", NotFoundIsAnswer: true);
    public static readonly LavalinkRoute UpdateSession = new(HttpMethod.Patch, "/v4/sessions/{sessionId}");

    /// <summary>"{METHOD} {template}", the span's name.</summary>
    public string SpanName { get; } = Method.Method + " " + Template;
}
