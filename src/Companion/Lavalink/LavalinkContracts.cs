using System.Text.Json;

namespace Serverless.Companion.Lavalink;

/// <summary>A playable track as Lavalink describes it; <see cref="Encoded"/> is what a player is given to play it.</summary>
public sealed record LavalinkTrack(string Encoded, LavalinkTrackInfo Info)
{
    /// <summary>Whatever the client attached when it started the track (we put the requester here); echoed back in events.</summary>
    public JsonElement? UserData { get; init; }
}

public sealed record LavalinkTrackInfo(
    string Identifier,
    string Title,
    string Author,
    long LengthMs,
    bool IsSeekable,
    bool IsStream,
    long PositionMs,
    string? Uri,
    string? ArtworkUrl,
    string? Isrc,
    string SourceName);

public enum LoadResultType
{
    Track,
    Playlist,
    Search,
    Empty,
    Error,
}

/// <summary>The answer to <c>GET /v4/loadtracks</c>, flattened: one track, a playlist's tracks, search hits, nothing, or an error.</summary>
public sealed record LoadResult(LoadResultType Type, IReadOnlyList<LavalinkTrack> Tracks)
{
    public string? PlaylistName { get; init; }

    /// <summary>Playlist only: the index of the track the link pointed at, or null.</summary>
    public int? SelectedTrack { get; init; }

    /// <summary>Error only: Lavalink's message, readable by users (e.g. "This video is unavailable").</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>The four values Lavalink needs to join a voice channel; all come from Discord's two voice events.</summary>
public sealed record LavalinkVoiceState(string Token, string Endpoint, string SessionId, string ChannelId);

/// <summary>
/// A partial player update (<c>PATCH /v4/sessions/{id}/players/{guild}</c>): only the set fields are sent.
/// <see cref="StopTrack"/> sends <c>"track":{"encoded":null}</c>.
/// </summary>
public sealed record LavalinkPlayerUpdate
{
    public string? EncodedTrack { get; init; }

    public JsonElement? TrackUserData { get; init; }

    public bool StopTrack { get; init; }

    public long? PositionMs { get; init; }

    public int? Volume { get; init; }

    public bool? Paused { get; init; }

    public LavalinkVoiceState? Voice { get; init; }
}

/// <summary>A player as Lavalink reports it.</summary>
public sealed record LavalinkPlayer(ulong GuildId, LavalinkTrack? Track, int Volume, bool Paused, LavalinkPlayerState State);

public sealed record LavalinkPlayerState(DateTimeOffset Time, long PositionMs, bool Connected, int PingMs);

/// <summary>
/// Where the client reports what Lavalink pushes over its WebSocket. Calls come in the order frames arrive, from the
/// receive loop, which does not wait for the returned tasks (a failed one is logged): work whose order matters must be
/// queued before a call returns, e.g. on its guild's serial executor.
/// </summary>
public interface ILavalinkEventHandler
{
    /// <summary><paramref name="resumed"/> false means a new session: Lavalink has no players, each must be rebuilt.</summary>
    Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken);

    Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken);

    Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken);

    /// <summary>The WebSocket is gone; the client is reconnecting with back-off. Commands should answer "audio server unavailable".</summary>
    Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken);
}

public abstract record LavalinkEvent(ulong GuildId);

public sealed record TrackStartEvent(ulong GuildId, LavalinkTrack Track) : LavalinkEvent(GuildId);

/// <summary>Reason is Lavalink's (<c>finished</c>, <c>loadFailed</c>, <c>stopped</c>, <c>replaced</c>, <c>cleanup</c>).</summary>
public sealed record TrackEndEvent(ulong GuildId, LavalinkTrack Track, string Reason) : LavalinkEvent(GuildId)
{
    /// <summary>Only <c>finished</c> and <c>loadFailed</c> let the queue advance; <c>replaced</c> means we already moved on.</summary>
    public bool MayStartNext => Reason is "finished" or "loadFailed";
}

public sealed record TrackExceptionEvent(ulong GuildId, LavalinkTrack Track, string? Message, string Severity) : LavalinkEvent(GuildId);

public sealed record TrackStuckEvent(ulong GuildId, LavalinkTrack Track, long ThresholdMs) : LavalinkEvent(GuildId);

/// <summary>Discord closed the voice WebSocket Lavalink held (4006, 4014, 4015, 4017…).</summary>
public sealed record WebSocketClosedEvent(ulong GuildId, int Code, string Reason, bool ByRemote) : LavalinkEvent(GuildId);

/// <summary>The player operations the companion's music and voice code need; implemented by <c>LavalinkClient</c>.</summary>
public interface ILavalinkPlayers
{
    /// <summary>True while the WebSocket is up and a session id is known.</summary>
    bool IsAvailable { get; }

    Task<LoadResult> LoadTracksAsync(string identifier, CancellationToken cancellationToken);

    Task<LavalinkPlayer> UpdatePlayerAsync(ulong guildId, LavalinkPlayerUpdate update, bool noReplace, CancellationToken cancellationToken);

    Task<LavalinkPlayer?> GetPlayerAsync(ulong guildId, CancellationToken cancellationToken);

    Task DestroyPlayerAsync(ulong guildId, CancellationToken cancellationToken);
}

/// <summary>Lavalink answered with an error (its JSON error body's status and message).</summary>
public class LavalinkException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The error body's <c>error</c> (the HTTP reason, e.g. "Not Found"), when Lavalink sent one.</summary>
    public string? Error { get; init; }

    /// <summary>The request path the error is about (the error body's <c>path</c>, or ours). Never holds the password.</summary>
    public string? Path { get; init; }
}

/// <summary>Lavalink is down, unreachable, or has no session yet: users are told "audio server unavailable".</summary>
public sealed class LavalinkUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
