namespace Serverless.Domain.Features.Status;

public enum DependencyState
{
    Ok,
    Degraded,
    Unauthorized,
    Unreachable,
    NotConfigured,
}

public sealed record QueueDepth(string Queue, int? ApproximateCount);

public sealed record StorageStatus(DependencyState State, TimeSpan Latency, IReadOnlyList<QueueDepth> Queues, string? Problem = null);

public sealed record DiscordStatus(DependencyState State, string? BotName = null, string? Problem = null);

/// <summary>Reaches the storage account and reads queue depths, poison queues included.</summary>
public interface IStorageStatusProbe
{
    Task<StorageStatus> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Checks that Discord accepts the bot token (<c>GET /users/@me</c>).</summary>
public interface IDiscordStatusProbe
{
    Task<DiscordStatus> CheckAsync(CancellationToken cancellationToken);
}
