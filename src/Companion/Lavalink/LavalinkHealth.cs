namespace Serverless.Companion.Lavalink;

/// <summary>The states <see cref="LavalinkHealth.State"/> takes; the same words go into the companion heartbeat.</summary>
public static class LavalinkStates
{
    /// <summary>WebSocket up, session ready, version supported.</summary>
    public const string Ok = "ok";

    /// <summary>Started, first connection not made yet.</summary>
    public const string Connecting = "connecting";

    /// <summary>Was reachable or tried to be, now is not: reconnecting with back-off.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The server is older than <see cref="LavalinkVersion.Minimum"/>: refused, not used.</summary>
    public const string Unsupported = "unsupported";

    /// <summary><c>Lavalink__Url</c> and <c>Lavalink__Password</c> are unset: music is off.</summary>
    public const string NotConfigured = "not-configured";
}

/// <summary>The last <c>stats</c> op (or <c>GET /v4/stats</c>).</summary>
public sealed record LavalinkStats(
    int Players,
    int PlayingPlayers,
    TimeSpan Uptime,
    int CpuCores,
    double SystemLoad,
    double LavalinkLoad,
    DateTimeOffset ReceivedAt);

/// <summary>What <c>/healthz</c> and the heartbeat report about Lavalink. Never carries the password.</summary>
public sealed record LavalinkHealth(
    string State,
    string? Version,
    string? SessionId,
    LavalinkStats? Stats,
    string? LastError,
    DateTimeOffset? Since);
