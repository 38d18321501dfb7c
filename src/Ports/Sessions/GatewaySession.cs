namespace Serverless.Ports.Sessions;

/// <summary>
/// What a gateway shard needs to resume after the companion restarts: Discord's session id, the URL to resume
/// on and the last sequence number seen. Resuming costs nothing; identifying again spends the daily budget.
/// </summary>
public sealed record GatewaySession(
    int ShardId,
    int ShardCount,
    string SessionId,
    string ResumeGatewayUrl,
    long Sequence,
    DateTimeOffset SavedAt);

/// <summary>Keeps each shard's resumable session where a restarted companion can find it.</summary>
public interface IGatewaySessionStore
{
    /// <summary>The saved session of one shard, or null when there is none for this shard count.</summary>
    Task<GatewaySession?> LoadAsync(int shardId, int shardCount, CancellationToken cancellationToken);

    Task SaveAsync(GatewaySession session, CancellationToken cancellationToken);

    /// <summary>Forgets a shard's session once Discord has invalidated it.</summary>
    Task ClearAsync(int shardId, CancellationToken cancellationToken);
}
