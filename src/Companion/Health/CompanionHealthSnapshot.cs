using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Health;

/// <summary>What the companion knows about its own dependencies right now.</summary>
public sealed record CompanionHealthSnapshot(
    IReadOnlyList<ShardHeartbeat> Shards,
    string Lavalink,
    string? LavalinkVersion,
    string? LavalinkProblem,
    int ActivePlayers,
    bool? StorageReachable,
    CompanionLeaseView? Lease = null)
{
    /// <summary><c>fail</c> when a shard stopped for good, <c>ok</c> when every shard is ready, else <c>degraded</c>.</summary>
    public string Gateway =>
        Shards.Any(shard => shard.State == ShardStates.Failed) ? "fail"
        : Shards.Count > 0 && Shards.All(shard => shard.State == ShardStates.Ready) ? "ok"
        : "degraded";

    /// <summary>
    /// <c>standby</c> while another companion holds the lease (healthy: nothing to restart); else <c>fail</c> when storage
    /// is unreachable or the gateway failed, <c>degraded</c> while anything reconnects.
    /// </summary>
    public string Overall =>
        Lease is { IsActive: false } ? "standby"
        : StorageReachable == false || Gateway == "fail" ? "fail"
        : Gateway == "ok" && StorageReachable == true && Lavalink is LavalinkStates.Ok or LavalinkStates.NotConfigured ? "ok"
        : "degraded";
}

/// <summary>The lease as this companion sees it: <c>active</c> when it holds it, <c>standby</c> while waiting, <c>lost</c> while exiting.</summary>
public sealed record CompanionLeaseView(string Role, string Instance, string? Holder, DateTimeOffset? ExpiresAt)
{
    public bool IsActive => Role == "active";
}

/// <summary>Gathers <see cref="CompanionHealthSnapshot"/> from the gateway, Lavalink and storage.</summary>
public interface ICompanionHealthSource
{
    CompanionHealthSnapshot Current();
}
