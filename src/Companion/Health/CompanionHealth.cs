using Serverless.Companion.Lavalink;
using Serverless.Companion.Leadership;
using Serverless.Companion.Voice;
using Serverless.Companion.VoiceQueue;
using Serverless.Discord.Gateway;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Health;

/// <summary>Reads the lease, the gateway shards, the Lavalink client and the voice queue's last poll into one snapshot.</summary>
public sealed class CompanionHealth(
    GatewayShardManager gateway,
    LavalinkClient lavalink,
    VoiceQueueConsumer voiceQueue,
    VoiceConnectionCoordinator voice,
    CompanionLeadershipState leadership) : ICompanionHealthSource
{
    public CompanionHealthSnapshot Current()
    {
        IReadOnlyList<ShardHeartbeat> shards = [.. gateway.GetShardStatuses().Select(status =>
            new ShardHeartbeat(status.ShardId, StateWord(status.State), status.LatencyMs, status.Problem))];
        if (shards.Count == 0 && gateway.Problem is { } problem)
        {
            // The manager stopped before it had shards (the token was refused by GET /gateway/bot).
            shards = [new ShardHeartbeat(0, ShardStates.Failed, null, problem)];
        }

        var health = lavalink.Health;
        return new CompanionHealthSnapshot(
            shards,
            health.State,
            health.Version,
            health.LastError,
            voice.ConnectedGuilds.Count,
            voiceQueue.IsReachable,
            LeaseView(leadership));
    }

    public static CompanionLeaseView LeaseView(CompanionLeadershipState leadership)
    {
        ArgumentNullException.ThrowIfNull(leadership);
        var lease = leadership.Lease;
        var role = leadership.Role switch
        {
            CompanionRole.Active => "active",
            CompanionRole.Lost => "lost",
            _ => "standby",
        };
        return new CompanionLeaseView(role, leadership.Instance, lease?.Holder, lease?.ExpiresAt);
    }

    public static string StateWord(GatewayShardState state) => state switch
    {
        GatewayShardState.Ready => ShardStates.Ready,
        GatewayShardState.Resuming => ShardStates.Resuming,
        GatewayShardState.Failed => ShardStates.Failed,
        GatewayShardState.Disconnected => ShardStates.Disconnected,
        _ => ShardStates.Connecting,
    };
}
