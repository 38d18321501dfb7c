using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Lavalink;

/// <summary>
/// The double's own API under <c>/_double</c>, for tests and scripts driving a double in another process (e.g.
/// one started by <c>serve</c>): the same observations and faults as <see cref="LavalinkDouble"/>'s C# API.
/// Not Lavalink's: no password, not recorded, loopback only like the rest.
/// </summary>
internal static class LavalinkControlEndpoints
{
    public const string Prefix = "/_double";

    public static void Map(WebApplication app, LavalinkDouble lavalink, LavalinkEngine engine)
    {
        var control = app.MapGroup(Prefix);
        control.MapGet("/players", () => Results.Json(lavalink.Players, LavalinkControlJsonContext.Control.IReadOnlyListLavalinkPlayerSnapshot));
        control.MapGet("/sessions", () => Results.Json(lavalink.Sessions, LavalinkControlJsonContext.Control.IReadOnlyListLavalinkSessionSnapshot));
        control.MapGet("/events", (long? since) => Results.Json(
            lavalink.Events.Where(e => e.Sequence >= (since ?? 0)).ToList(), LavalinkControlJsonContext.Control.ListLavalinkEmittedEvent));
        control.MapGet("/calls", (long? since) => Results.Json(
            since is { } s ? engine.Recorder.Since(s) : engine.Recorder.Snapshot(), LavalinkControlJsonContext.Control.IReadOnlyListRecordedCall));
        control.MapPost("/guilds/{guildId}/fail-next-track", (HttpContext context, string guildId) => WithGuild(context, guildId, (id, body) =>
        {
            lavalink.FailNextTrack(id, Text(body, "message") ?? "Sandbox: something broke while playing", Text(body, "severity") ?? "common");
            return Results.NoContent();
        }));
        control.MapPost("/guilds/{guildId}/stick-next-track", (HttpContext context, string guildId) => WithGuild(context, guildId, (id, body) =>
        {
            lavalink.StickNextTrack(id, Number(body, "thresholdMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
            return Results.NoContent();
        }));
        control.MapPost("/guilds/{guildId}/close-voice", (HttpContext context, string guildId) => WithGuild(context, guildId, (id, body) =>
        {
            if (Number(body, "code") is not { } code)
            {
                return Results.BadRequest("The body must give the voice close code, e.g. {\"code\":4014}.");
            }

            var byRemote = !body.TryGetProperty("byRemote", out var remote) || remote.ValueKind != JsonValueKind.False;
            return lavalink.CloseVoiceConnection(id, (int)code, Text(body, "reason"), byRemote)
                ? Results.NoContent()
                : Results.NotFound($"No player for guild {id}.");
        }));
    }

    private static async Task<IResult> WithGuild(HttpContext context, string guildId, Func<ulong, JsonElement, IResult> handle)
    {
        if (!ulong.TryParse(guildId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Results.BadRequest($"'{guildId}' is not a guild id.");
        }

        var body = await RequestBody.CaptureAsync(context);
        return body.TryParse(out var json) && json.ValueKind == JsonValueKind.Object
            ? handle(id, json)
            : Results.BadRequest("The body must be a JSON object (or empty).");
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}

[JsonSerializable(typeof(IReadOnlyList<LavalinkPlayerSnapshot>))]
[JsonSerializable(typeof(IReadOnlyList<LavalinkSessionSnapshot>))]
[JsonSerializable(typeof(List<LavalinkEmittedEvent>))]
[JsonSerializable(typeof(IReadOnlyList<RecordedCall>))]
internal sealed partial class LavalinkControlJsonContext : JsonSerializerContext
{
    /// <summary>camelCase, unescaped text, like the sandbox's control API.</summary>
    public static LavalinkControlJsonContext Control { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
