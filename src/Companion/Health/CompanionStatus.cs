using Serverless.Domain.Companion;

namespace Serverless.Companion.Health;

/// <summary>What the companion knows about its own dependencies right now.</summary>
public sealed record CompanionStatus(
    IReadOnlyList<ShardHeartbeat> Shards,
    string Lavalink,
    string? LavalinkVersion,
    string? LavalinkProblem,
    int ActivePlayers,
    bool StorageReachable)
{
    /// <summary><c>fail</c> when storage is unreachable or a shard stopped for good; <c>degraded</c> while anything reconnects.</summary>
    public string Overall
    {
        get
        {
            if (!StorageReachable || Shards.Any(shard => shard.State == ShardStates.Failed))
            {
                return "fail";
            }

            var allReady = Shards.Count > 0 && Shards.All(shard => shard.State == ShardStates.Ready);
            return allReady && Lavalink is "ok" or "not-configured" ? "ok" : "degraded";
        }
    }
}

/// <summary>The shard state words written to the heartbeat row and shown by <c>/status</c>.</summary>
public static class ShardStates
{
    public const string Ready = "ready";
    public const string Connecting = "connecting";
    public const string Resuming = "resuming";
    public const string Disconnected = "disconnected";
    public const string Failed = "failed";
}

/// <summary>Gathers <see cref="CompanionStatus"/> from the gateway, Lavalink and storage.</summary>
public interface ICompanionStatusSource
{
    CompanionStatus Current();
}
