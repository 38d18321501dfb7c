using System.Text.Json;

namespace Serverless.Discord.Gateway;

/// <summary>Discord's gateway limits (DD <c>events/gateway.mdx</c>).</summary>
public static class GatewayLimits
{
    /// <summary>Largest payload Discord accepts; bigger ones close the connection with 4002.</summary>
    public const int MaxPayloadBytes = 4096;

    /// <summary>Sends allowed per connection per <see cref="SendWindow"/>; going over disconnects.</summary>
    public const int SendsPerWindow = 120;

    public static readonly TimeSpan SendWindow = TimeSpan.FromSeconds(60);

    /// <summary>Slots of each window only heartbeats may use, so a burst of voice updates never delays a beat into a zombie.</summary>
    public const int HeartbeatReserve = 5;

    /// <summary>Identifies per rate-limit bucket per this period (<c>max_concurrency</c> buckets).</summary>
    public static readonly TimeSpan IdentifyPeriod = TimeSpan.FromSeconds(5);

    /// <summary>The gateway version and encoding this client speaks, appended to every connect and resume URL.</summary>
    public const string QueryString = "v=10&encoding=json";
}

/// <summary>Gateway opcodes this client sends or handles.</summary>
public static class GatewayOpcode
{
    public const int Dispatch = 0;
    public const int Heartbeat = 1;
    public const int Identify = 2;
    public const int VoiceStateUpdate = 4;
    public const int Resume = 6;
    public const int Reconnect = 7;
    public const int InvalidSession = 9;
    public const int Hello = 10;
    public const int HeartbeatAck = 11;
}

/// <summary>Where a shard is in its life.</summary>
public enum GatewayShardState
{
    /// <summary>Not started yet, or stopped on request; the session is kept for a resume.</summary>
    Disconnected,
    Connecting,
    Identifying,
    Resuming,
    Ready,

    /// <summary>The daily identify budget is spent: the shard waits for its reset instead of identifying.</summary>
    WaitingForIdentifyBudget,

    /// <summary>Stopped for good after a fatal close code; see <see cref="GatewayShardClient.Problem"/>. Never reconnects.</summary>
    Failed,

    /// <summary>
    /// Discord refused the bot token (close 4004) and its source holds no new one yet: the shard reads the source again
    /// once per refresh interval and identifies as soon as a new token is there.
    /// </summary>
    WaitingForToken,
}

/// <summary>One dispatch (op 0). <paramref name="Data"/> is cloned, so it outlives the receive buffer.</summary>
public sealed record GatewayDispatch(int ShardId, string Type, long Sequence, JsonElement Data);

/// <summary>
/// Receives every dispatch of every shard, in order per shard. Keep it quick: the shard reads nothing else meanwhile.
/// The bot's is <see cref="Events.GatewayEventDispatcher"/>, which hands typed events to their handlers.
/// </summary>
public interface IGatewayDispatchHandler
{
    Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken);
}

/// <summary>A shard's health, for the companion's health endpoint.</summary>
public sealed record GatewayShardStatus(int ShardId, GatewayShardState State, double? LatencyMs, string? Problem);

/// <summary>What <c>GET /gateway/bot</c> says about where and how often to connect.</summary>
public sealed record GatewayBotInfo(Uri Url, int Shards, GatewaySessionStartLimit SessionStartLimit);

/// <summary>The identify budget: <paramref name="Remaining"/> of <paramref name="Total"/> left until <paramref name="ResetAfter"/> has passed.</summary>
public sealed record GatewaySessionStartLimit(int Total, int Remaining, TimeSpan ResetAfter, int MaxConcurrency);

/// <summary>Where <see cref="GatewayShardManager"/> learns the recommended shard count, URL and identify budget.</summary>
public interface IGatewayBotInfoSource
{
    Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken);
}
