namespace Serverless.Sandbox.Lavalink;

/// <summary>A player as the double holds it, for assertions; the position is computed at the time of the snapshot.</summary>
/// <param name="SessionId">The Lavalink session owning the player.</param>
/// <param name="Track">The playing (or paused) track's title and identifiers; null when nothing is loaded.</param>
/// <param name="PositionMs">Playback position in the track; 0 without a track.</param>
/// <param name="Connected">Whether the player has a complete voice state and holds a (simulated) voice connection.</param>
/// <param name="Voice">The last voice state given, or null before any.</param>
public sealed record LavalinkPlayerSnapshot(
    string SessionId,
    ulong GuildId,
    LavalinkTrackSnapshot? Track,
    long PositionMs,
    bool Paused,
    int Volume,
    bool Connected,
    LavalinkVoiceSnapshot? Voice)
{
    /// <summary>True while the position advances: a track, a voice connection and not paused.</summary>
    public bool IsPlaying => Track is not null && Connected && !Paused;
}

public sealed record LavalinkTrackSnapshot(string Title, string Identifier, string Encoded, long LengthMs, bool IsStream, string SourceName);

public sealed record LavalinkVoiceSnapshot(string Token, string Endpoint, string SessionId, string? ChannelId);

/// <summary>A Lavalink session (one bot WebSocket, possibly resumed several times).</summary>
/// <param name="PendingEvents">Events queued while disconnected, replayed on resume.</param>
public sealed record LavalinkSessionSnapshot(string Id, ulong UserId, string? ClientName, bool Connected, bool Resuming, TimeSpan ResumeTimeout, int PendingEvents, int Players);

/// <summary>An <c>event</c> op the double produced, whether it was delivered at once, queued for a resume, or dropped.</summary>
/// <param name="Sequence">Order of emission, from 0.</param>
/// <param name="Type">Lavalink's event type, e.g. <c>TrackEndEvent</c>.</param>
/// <param name="Reason">TrackEndEvent's reason, TrackExceptionEvent's severity, or WebSocketClosedEvent's code as text; null otherwise.</param>
/// <param name="TrackTitle">The event's track title, if it has a track.</param>
/// <param name="Json">The message exactly as sent.</param>
public sealed record LavalinkEmittedEvent(long Sequence, string SessionId, ulong GuildId, string Type, string? Reason, string? TrackTitle, string Json, DateTimeOffset At);
