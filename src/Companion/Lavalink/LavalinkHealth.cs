
namespace Serverless.Companion.Lavalink;

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
