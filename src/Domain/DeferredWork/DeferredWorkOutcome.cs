namespace Serverless.Domain.DeferredWork;

/// <summary>What the queue adapter does with a message once <see cref="DeferredWorkRunner"/> has run it.</summary>
public enum DeferredWorkResult
{
    /// <summary>The work ran and its interaction is marked done: delete the message.</summary>
    Completed,

    /// <summary>Nothing to do (already done, too late, or the interaction is gone): delete the message.</summary>
    Skipped,

    /// <summary>The work failed: deliver the message again, and poison it after the queue's maximum dequeue count.</summary>
    Retry,

    /// <summary>No delivery can succeed (the message cannot be read): move it to the queue's poison twin now.</summary>
    Poison,
}

/// <summary>
/// The end of one run of deferred work. <see cref="Reason"/> says why a run is retried or poisoned in words fit for a
/// host's failure record: no message content, token or key.
/// </summary>
public sealed record DeferredWorkOutcome(DeferredWorkResult Result, string? Reason = null)
{
    public static DeferredWorkOutcome Completed { get; } = new(DeferredWorkResult.Completed);

    public static DeferredWorkOutcome Skipped { get; } = new(DeferredWorkResult.Skipped);

    public static DeferredWorkOutcome Retry(string reason) => new(DeferredWorkResult.Retry, reason);

    public static DeferredWorkOutcome Poison(string reason) => new(DeferredWorkResult.Poison, reason);
}
