using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Discord.Json;

namespace Serverless.Companion.Lavalink;

// Lavalink v4's JSON shapes, read tolerantly (unknown fields ignored, guild ids as string or number) and kept
// apart from the contract records the music code sees. Mapping to those records is in LavalinkWireMapper.

internal sealed record TrackDto(
    [property: JsonPropertyName("encoded")] string? Encoded,
    [property: JsonPropertyName("info")] TrackInfoDto? Info,
    [property: JsonPropertyName("userData")] JsonElement? UserData);

internal sealed record TrackInfoDto(
    [property: JsonPropertyName("identifier")] string? Identifier,
    [property: JsonPropertyName("isSeekable")] bool IsSeekable,
    [property: JsonPropertyName("author")] string? Author,
    [property: JsonPropertyName("length")] long Length,
    [property: JsonPropertyName("isStream")] bool IsStream,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("uri")] string? Uri,
    [property: JsonPropertyName("artworkUrl")] string? ArtworkUrl,
    [property: JsonPropertyName("isrc")] string? Isrc,
    [property: JsonPropertyName("sourceName")] string? SourceName);

internal sealed record LoadResultDto(
    [property: JsonPropertyName("loadType")] string? LoadType,
    [property: JsonPropertyName("data")] JsonElement Data);

internal sealed record PlaylistDto(
    [property: JsonPropertyName("info")] PlaylistInfoDto? Info,
    [property: JsonPropertyName("tracks")] IReadOnlyList<TrackDto>? Tracks);

internal sealed record PlaylistInfoDto(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("selectedTrack")] int SelectedTrack);

internal sealed record ExceptionDto(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("severity")] string? Severity,
    [property: JsonPropertyName("cause")] string? Cause);

internal sealed record ErrorDto(
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("path")] string? Path);

internal sealed record PlayerStateDto(
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("connected")] bool Connected,
    [property: JsonPropertyName("ping")] int Ping);

internal sealed record PlayerDto(
    [property: JsonPropertyName("guildId")] ulong GuildId,
    [property: JsonPropertyName("track")] TrackDto? Track,
    [property: JsonPropertyName("volume")] int Volume,
    [property: JsonPropertyName("paused")] bool Paused,
    [property: JsonPropertyName("state")] PlayerStateDto? State);

/// <summary>Every op in one shape: which fields are set depends on <see cref="Op"/> (and on <see cref="Type"/> for events).</summary>
internal sealed record class WebSocketMessageDto
{
    [JsonPropertyName("op")]
    public string? Op { get; init; }

    // ready
    [JsonPropertyName("resumed")]
    public bool Resumed { get; init; }

    [JsonPropertyName("sessionId")]
    public string? SessionId { get; init; }

    // playerUpdate, event
    [JsonPropertyName("guildId")]
    public ulong? GuildId { get; init; }

    [JsonPropertyName("state")]
    public PlayerStateDto? State { get; init; }

    // stats
    [JsonPropertyName("players")]
    public int Players { get; init; }

    [JsonPropertyName("playingPlayers")]
    public int PlayingPlayers { get; init; }

    [JsonPropertyName("uptime")]
    public long Uptime { get; init; }

    [JsonPropertyName("cpu")]
    public CpuDto? Cpu { get; init; }

    [JsonPropertyName("memory")]
    public MemoryDto? Memory { get; init; }

    // event
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("track")]
    public TrackDto? Track { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("exception")]
    public ExceptionDto? Exception { get; init; }

    [JsonPropertyName("thresholdMs")]
    public long ThresholdMs { get; init; }

    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("byRemote")]
    public bool ByRemote { get; init; }
}

internal sealed record CpuDto(
    [property: JsonPropertyName("cores")] int Cores,
    [property: JsonPropertyName("systemLoad")] double SystemLoad,
    [property: JsonPropertyName("lavalinkLoad")] double LavalinkLoad);

internal sealed record MemoryDto(
    [property: JsonPropertyName("free")] long Free,
    [property: JsonPropertyName("used")] long Used,
    [property: JsonPropertyName("allocated")] long Allocated,
    [property: JsonPropertyName("reservable")] long Reservable);

internal sealed record StatsDto(
    [property: JsonPropertyName("players")] int Players,
    [property: JsonPropertyName("playingPlayers")] int PlayingPlayers,
    [property: JsonPropertyName("uptime")] long Uptime,
    [property: JsonPropertyName("cpu")] CpuDto? Cpu,
    [property: JsonPropertyName("memory")] MemoryDto? Memory);

internal sealed record InfoDto(
    [property: JsonPropertyName("version")] VersionDto? Version);

internal sealed record VersionDto(
    [property: JsonPropertyName("semver")] string? Semver,
    [property: JsonPropertyName("major")] int Major,
    [property: JsonPropertyName("minor")] int Minor,
    [property: JsonPropertyName("patch")] int Patch,
    [property: JsonPropertyName("preRelease")] string? PreRelease);

/// <summary><c>PATCH /v4/sessions/{id}</c>, both ways.</summary>
internal sealed record SessionUpdateDto(
    [property: JsonPropertyName("resuming")] bool Resuming,
    [property: JsonPropertyName("timeout")] long Timeout);

/// <summary>The player PATCH body; null members are left out (null means "not set", never "set to null").</summary>
internal sealed record PlayerUpdateDto
{
    [JsonPropertyName("track")]
    public PlayerTrackUpdateDto? Track { get; init; }

    [JsonPropertyName("position")]
    public long? Position { get; init; }

    [JsonPropertyName("volume")]
    public int? Volume { get; init; }

    [JsonPropertyName("paused")]
    public bool? Paused { get; init; }

    [JsonPropertyName("voice")]
    public VoiceStateDto? Voice { get; init; }
}

/// <summary>
/// <c>encoded</c> has three states: absent (keep the track, e.g. only new userData), a string (play it) and null
/// (stop). <see cref="Encoded"/> is an <see cref="OptionalString"/> so "absent" and "null" stay apart.
/// </summary>
internal sealed record PlayerTrackUpdateDto
{
    [JsonPropertyName("encoded")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(OptionalStringConverter))]
    public OptionalString Encoded { get; init; }

    [JsonPropertyName("userData")]
    public JsonElement? UserData { get; init; }
}

internal sealed record VoiceStateDto(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("sessionId")] string SessionId,
    [property: JsonPropertyName("channelId")] string ChannelId);

/// <summary>A string that may be unset (left out of the JSON), set to null, or set to a value.</summary>
internal readonly record struct OptionalString(bool IsSet, string? Value)
{
    public static OptionalString Of(string? value) => new(true, value);
}

internal sealed class OptionalStringConverter : JsonConverter<OptionalString>
{
    public override OptionalString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        OptionalString.Of(reader.TokenType == JsonTokenType.Null ? null : reader.GetString());

    public override void Write(Utf8JsonWriter writer, OptionalString value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }

    public override bool HandleNull => true;
}

/// <summary>The one source-generated serializer for Lavalink's wire shapes.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(SnowflakeConverter)])]
[JsonSerializable(typeof(TrackDto))]
[JsonSerializable(typeof(LoadResultDto))]
[JsonSerializable(typeof(PlaylistDto))]
[JsonSerializable(typeof(IReadOnlyList<TrackDto>))]
[JsonSerializable(typeof(ExceptionDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(PlayerDto))]
[JsonSerializable(typeof(WebSocketMessageDto))]
[JsonSerializable(typeof(StatsDto))]
[JsonSerializable(typeof(InfoDto))]
[JsonSerializable(typeof(SessionUpdateDto))]
[JsonSerializable(typeof(PlayerUpdateDto))]
internal sealed partial class LavalinkJsonContext : JsonSerializerContext;
