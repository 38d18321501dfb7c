using Serverless.Domain.Companion;

namespace Serverless.Companion.Health;

/// <summary>What the companion knows about its own dependencies right now.</summary>
public sealed record CompanionHealthSnapshot(
    IReadOnlyList<ShardHeartbeat> Shards,
    string Lavalink,
    string? LavalinkVersion,
    string? LavalinkProblem,
    int ActivePlayers,
    bool? StorageReachable)
{
    /// <summary><c>fail</c> when storage is unreachable or a shard stopped for good; <c>degraded</c> while anything reconnects.</summary>
    public string Overall
    {
        get
        {
            if (StorageReachable == false || Shards.Any(shard => shard.State == ShardStates.Failed))
            {
                return "fail";
            }

            var allReady = Shards.Count > 0 && Shards.All(shard => shard.State == ShardStates.Ready);
            return allReady && StorageReachable == true && Lavalink is LavalinkStates.Ok or LavalinkStates.NotConfigured ? "ok" : "degraded";
        }
    }
}

/// <summary>Gathers <see cref="CompanionHealthSnapshot"/> from the gateway, Lavalink and storage.</summary>
public interface ICompanionHealthSource
{
    CompanionHealthSnapshot Current();
}
