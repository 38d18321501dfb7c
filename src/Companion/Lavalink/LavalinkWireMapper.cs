using System.Globalization;
using System.Text.Json;

namespace Serverless.Companion.Lavalink;

/// <summary>Wire shapes to and from the contract records. Missing strings become empty, never a crash.</summary>
internal static class LavalinkWireMapper
{
    public static LavalinkTrack ToTrack(TrackDto dto)
    {
        var info = dto.Info;
        return new LavalinkTrack(
            dto.Encoded ?? string.Empty,
            new LavalinkTrackInfo(
                info?.Identifier ?? string.Empty,
                info?.Title ?? string.Empty,
                info?.Author ?? string.Empty,
                info?.Length ?? 0,
                info?.IsSeekable ?? false,
                info?.IsStream ?? false,
                info?.Position ?? 0,
                info?.Uri,
                info?.ArtworkUrl,
                info?.Isrc,
                info?.SourceName ?? string.Empty))
        {
            UserData = dto.UserData is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } data ? data.Clone() : null,
        };
    }

    public static LavalinkPlayerState ToState(PlayerStateDto? dto) => dto is null
        ? new LavalinkPlayerState(DateTimeOffset.UnixEpoch, 0, false, -1)
        : new LavalinkPlayerState(DateTimeOffset.FromUnixTimeMilliseconds(dto.Time), dto.Position, dto.Connected, dto.Ping);

    public static LavalinkPlayer ToPlayer(PlayerDto dto) => new(
        dto.GuildId,
        dto.Track is null ? null : ToTrack(dto.Track),
        dto.Volume,
        dto.Paused,
        ToState(dto.State));

    public static LavalinkStats ToStats(int players, int playingPlayers, long uptimeMs, CpuDto? cpu, DateTimeOffset receivedAt) => new(
        players,
        playingPlayers,
        TimeSpan.FromMilliseconds(uptimeMs),
        cpu?.Cores ?? 0,
        cpu?.SystemLoad ?? 0,
        cpu?.LavalinkLoad ?? 0,
        receivedAt);

    /// <summary>Maps the five load types; an unknown one is treated as an error so callers never see a half-read result.</summary>
    public static LoadResult ToLoadResult(LoadResultDto dto)
    {
        var context = LavalinkJsonContext.Default;
        switch (dto.LoadType)
        {
            case "track":
                return new LoadResult(LoadResultType.Track, [ToTrack(dto.Data.Deserialize(context.TrackDto) ?? throw Malformed("track"))]);
            case "playlist":
                var playlist = dto.Data.Deserialize(context.PlaylistDto) ?? throw Malformed("playlist");
                var selected = playlist.Info?.SelectedTrack ?? -1;
                return new LoadResult(LoadResultType.Playlist, [.. (playlist.Tracks ?? []).Select(ToTrack)])
                {
                    PlaylistName = playlist.Info?.Name,
                    SelectedTrack = selected >= 0 ? selected : null,
                };
            case "search":
                var hits = dto.Data.ValueKind == JsonValueKind.Array ? dto.Data.Deserialize(context.IReadOnlyListTrackDto) : null;
                return new LoadResult(LoadResultType.Search, [.. (hits ?? []).Select(ToTrack)]);
            case "empty":
                return new LoadResult(LoadResultType.Empty, []);
            case "error":
                var exception = dto.Data.ValueKind == JsonValueKind.Object ? dto.Data.Deserialize(context.ExceptionDto) : null;
                return new LoadResult(LoadResultType.Error, []) { ErrorMessage = exception?.Message ?? "Lavalink could not load the track." };
            default:
                return new LoadResult(LoadResultType.Error, [])
                {
                    ErrorMessage = string.Create(CultureInfo.InvariantCulture, $"Lavalink answered with an unknown load type '{dto.LoadType}'."),
                };
        }
    }

    public static PlayerUpdateDto ToDto(LavalinkPlayerUpdate update)
    {
        if (update.StopTrack && update.EncodedTrack is not null)
        {
            throw new ArgumentException("A player update cannot both stop the track and play EncodedTrack.", nameof(update));
        }

        PlayerTrackUpdateDto? track = null;
        if (update.StopTrack)
        {
            track = new PlayerTrackUpdateDto { Encoded = OptionalString.Of(null) };
        }
        else if (update.EncodedTrack is not null || update.TrackUserData is not null)
        {
            track = new PlayerTrackUpdateDto
            {
                Encoded = update.EncodedTrack is null ? default : OptionalString.Of(update.EncodedTrack),
                UserData = update.TrackUserData,
            };
        }

        return new PlayerUpdateDto
        {
            Track = track,
            Position = update.PositionMs,
            Volume = update.Volume,
            Paused = update.Paused,
            Voice = update.Voice is { } voice ? new VoiceStateDto(voice.Token, voice.Endpoint, voice.SessionId, voice.ChannelId) : null,
        };
    }

    private static JsonException Malformed(string loadType) => new($"Lavalink's '{loadType}' load result has no data.");

    /// <summary>Turns one WebSocket event op into its record; null for an event type this client does not know.</summary>
    public static LavalinkEvent? ToEvent(WebSocketMessageDto message)
    {
        var guildId = message.GuildId ?? 0;
        var track = message.Track is null ? EmptyTrack : ToTrack(message.Track);
        return message.Type switch
        {
            "TrackStartEvent" => new TrackStartEvent(guildId, track),
            "TrackEndEvent" => new TrackEndEvent(guildId, track, message.Reason ?? string.Empty),
            "TrackExceptionEvent" => new TrackExceptionEvent(guildId, track, message.Exception?.Message, message.Exception?.Severity ?? "common"),
            "TrackStuckEvent" => new TrackStuckEvent(guildId, track, message.ThresholdMs),
            "WebSocketClosedEvent" => new WebSocketClosedEvent(guildId, message.Code, message.Reason ?? string.Empty, message.ByRemote),
            _ => null,
        };
    }

    private static LavalinkTrack EmptyTrack => new(string.Empty, new LavalinkTrackInfo(string.Empty, string.Empty, string.Empty, 0, false, false, 0, null, null, null, string.Empty));
}
