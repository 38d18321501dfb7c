namespace Serverless.Domain.Features.Status;

/// <summary>
/// The companion's periodic "I am alive" row: the Functions app's <c>/status</c> and <c>/api/healthz</c> read it
/// to report the gateway and Lavalink, which only the companion can see.
/// </summary>
public sealed record CompanionHeartbeat
{
    public required DateTimeOffset WrittenAt { get; init; }

    /// <summary>Which companion process wrote it (host name and process id).</summary>
    public required string Instance { get; init; }

    public required IReadOnlyList<ShardHeartbeat> Shards { get; init; }

    /// <summary>Lavalink's state: <c>ok</c>, <c>connecting</c>, <c>unavailable</c>, <c>unsupported</c> (older than 4.2.0) or <c>not-configured</c>.</summary>
    public required string Lavalink { get; init; }

    public string? LavalinkVersion { get; init; }

    /// <summary>Guilds with a player, playing or paused.</summary>
    public int ActivePlayers { get; init; }
}

/// <summary>One gateway shard: its state (<c>ready</c>, <c>connecting</c>, <c>resuming</c>, <c>disconnected</c>, <c>failed</c>) and last heartbeat round trip.</summary>
public sealed record ShardHeartbeat(int ShardId, string State, double? LatencyMs, string? Problem = null);

/// <summary>Where the companion writes its heartbeat and the Functions app reads it.</summary>
public interface ICompanionHeartbeatStore
{
    Task WriteAsync(CompanionHeartbeat heartbeat, CancellationToken cancellationToken);

    /// <summary>The latest heartbeat, or null if no companion has ever written one.</summary>
    Task<CompanionHeartbeat?> ReadAsync(CancellationToken cancellationToken);
}
