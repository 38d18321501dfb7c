using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Sandbox.Lavalink;

// Lavalink v4's wire shapes (camelCase). Nulls are written, as Lavalink does: clients read "track":null.

internal sealed class TrackWire
{
    public required string Encoded { get; init; }

    public required TrackInfoWire Info { get; init; }

    public JsonElement PluginInfo { get; init; } = LavalinkJson.EmptyObject;

    public JsonElement UserData { get; init; } = LavalinkJson.EmptyObject;
}

internal sealed record TrackInfoWire
{
    public required string Identifier { get; init; }

    public bool IsSeekable { get; init; }

    public required string Author { get; init; }

    public long Length { get; init; }

    public bool IsStream { get; init; }

    public long Position { get; init; }

    public required string Title { get; init; }

    public string? Uri { get; init; }

    public string? ArtworkUrl { get; init; }

    public string? Isrc { get; init; }

    public required string SourceName { get; init; }
}

internal sealed class LoadResultWire
{
    public required string LoadType { get; init; }

    public required object Data { get; init; }
}

internal sealed class PlaylistWire
{
    public required PlaylistInfoWire Info { get; init; }

    public JsonElement PluginInfo { get; init; } = LavalinkJson.EmptyObject;

    public required List<TrackWire> Tracks { get; init; }
}

internal sealed class PlaylistInfoWire
{
    public required string Name { get; init; }

    public int SelectedTrack { get; init; }
}

internal sealed class ExceptionWire
{
    public string? Message { get; init; }

    public required string Severity { get; init; }

    public required string Cause { get; init; }

    public string? CauseStackTrace { get; init; }
}

internal sealed class EmptyWire;

internal sealed class ErrorWire
{
    public long Timestamp { get; init; }

    public int Status { get; init; }

    public required string Error { get; init; }

    public required string Message { get; init; }

    public required string Path { get; init; }
}

internal sealed class PlayerWire
{
    public required string GuildId { get; init; }

    public TrackWire? Track { get; init; }

    public int Volume { get; init; }

    public bool Paused { get; init; }

    public required PlayerStateWire State { get; init; }

    public required VoiceWire Voice { get; init; }

    public JsonElement Filters { get; init; } = LavalinkJson.EmptyObject;
}

internal sealed class PlayerStateWire
{
    public long Time { get; init; }

    public long Position { get; init; }

    public bool Connected { get; init; }

    public int Ping { get; init; }
}

internal sealed class VoiceWire
{
    public string Token { get; init; } = "";

    public string Endpoint { get; init; } = "";

    public string SessionId { get; init; } = "";

    public string? ChannelId { get; init; }
}

internal sealed class SessionUpdateWire
{
    public bool Resuming { get; init; }

    public long Timeout { get; init; }
}

internal sealed class InfoWire
{
    public required VersionWire Version { get; init; }

    public long BuildTime { get; init; }

    public required GitWire Git { get; init; }

    public required string Jvm { get; init; }

    public required string Lavaplayer { get; init; }

    public required List<string> SourceManagers { get; init; }

    public required List<string> Filters { get; init; }

    public required List<PluginWire> Plugins { get; init; }
}

internal sealed class VersionWire
{
    public required string Semver { get; init; }

    public int Major { get; init; }

    public int Minor { get; init; }

    public int Patch { get; init; }

    public string? PreRelease { get; init; }

    public string? Build { get; init; }
}

internal sealed class GitWire
{
    public required string Branch { get; init; }

    public required string Commit { get; init; }

    public long CommitTime { get; init; }
}

internal sealed class PluginWire
{
    public required string Name { get; init; }

    public required string Version { get; init; }
}

internal sealed record StatsWire
{
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Op { get; init; }

    public int Players { get; init; }

    public int PlayingPlayers { get; init; }

    public long Uptime { get; init; }

    public required MemoryWire Memory { get; init; }

    public required CpuWire Cpu { get; init; }

    /// <summary>Only on the WebSocket op; <c>/v4/stats</c> leaves it out.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FrameStatsWire? FrameStats { get; init; }
}

internal sealed class MemoryWire
{
    public long Free { get; init; }

    public long Used { get; init; }

    public long Allocated { get; init; }

    public long Reservable { get; init; }
}

internal sealed class CpuWire
{
    public int Cores { get; init; }

    public double SystemLoad { get; init; }

    public double LavalinkLoad { get; init; }
}

internal sealed class FrameStatsWire
{
    public int Sent { get; init; }

    public int Nulled { get; init; }

    public int Deficit { get; init; }
}

internal sealed class ReadyOpWire
{
    public string Op { get; init; } = "ready";

    public bool Resumed { get; init; }

    public required string SessionId { get; init; }
}

internal sealed class PlayerUpdateOpWire
{
    public string Op { get; init; } = "playerUpdate";

    public required string GuildId { get; init; }

    public required PlayerStateWire State { get; init; }
}

internal sealed class TrackStartEventWire
{
    public string Op { get; init; } = "event";

    public string Type { get; init; } = "TrackStartEvent";

    public required string GuildId { get; init; }

    public required TrackWire Track { get; init; }
}

internal sealed class TrackEndEventWire
{
    public string Op { get; init; } = "event";

    public string Type { get; init; } = "TrackEndEvent";

    public required string GuildId { get; init; }

    public required TrackWire Track { get; init; }

    public required string Reason { get; init; }
}

internal sealed class TrackExceptionEventWire
{
    public string Op { get; init; } = "event";

    public string Type { get; init; } = "TrackExceptionEvent";

    public required string GuildId { get; init; }

    public required TrackWire Track { get; init; }

    public required ExceptionWire Exception { get; init; }
}

internal sealed class TrackStuckEventWire
{
    public string Op { get; init; } = "event";

    public string Type { get; init; } = "TrackStuckEvent";

    public required string GuildId { get; init; }

    public required TrackWire Track { get; init; }

    public long ThresholdMs { get; init; }
}

internal sealed class WebSocketClosedEventWire
{
    public string Op { get; init; } = "event";

    public string Type { get; init; } = "WebSocketClosedEvent";

    public required string GuildId { get; init; }

    public int Code { get; init; }

    public required string Reason { get; init; }

    public bool ByRemote { get; init; }
}

[JsonSerializable(typeof(TrackWire))]
[JsonSerializable(typeof(TrackInfoWire))]
[JsonSerializable(typeof(List<TrackWire>))]
[JsonSerializable(typeof(LoadResultWire))]
[JsonSerializable(typeof(PlaylistWire))]
[JsonSerializable(typeof(ExceptionWire))]
[JsonSerializable(typeof(EmptyWire))]
[JsonSerializable(typeof(ErrorWire))]
[JsonSerializable(typeof(PlayerWire))]
[JsonSerializable(typeof(List<PlayerWire>))]
[JsonSerializable(typeof(SessionUpdateWire))]
[JsonSerializable(typeof(InfoWire))]
[JsonSerializable(typeof(StatsWire))]
[JsonSerializable(typeof(ReadyOpWire))]
[JsonSerializable(typeof(PlayerUpdateOpWire))]
[JsonSerializable(typeof(TrackStartEventWire))]
[JsonSerializable(typeof(TrackEndEventWire))]
[JsonSerializable(typeof(TrackExceptionEventWire))]
[JsonSerializable(typeof(TrackStuckEventWire))]
[JsonSerializable(typeof(WebSocketClosedEventWire))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class LavalinkJsonContext : JsonSerializerContext
{
    /// <summary>camelCase like Lavalink's Kotlin serializer; unescaped text keeps recorded bodies readable.</summary>
    public static LavalinkJsonContext Wire { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

internal static class LavalinkJson
{
    public static readonly JsonElement EmptyObject = Parse("{}");

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
