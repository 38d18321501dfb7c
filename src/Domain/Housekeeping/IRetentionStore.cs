namespace Serverless.Domain.Housekeeping;

/// <summary>One page of a sweep: rows looked at, rows deleted, and where the next page starts (null: the sweep is done).</summary>
public sealed record SweepPage(int Examined, int Deleted, string? Continuation);

/// <summary>
/// Deletes rows nothing needs any more, one bounded page per call, so the caller decides when to stop. Every page is
/// idempotent: a row already gone counts as nothing, and a row written since it was read is kept.
/// </summary>
public interface IRetentionStore
{
    /// <summary>Interaction ledger rows last written before <paramref name="cutoff"/>.</summary>
    Task<SweepPage> SweepInteractionRunsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken);

    /// <summary>
    /// Rate-limit bucket rows whose window ended and that were last written before <paramref name="cutoff"/>, and
    /// invalid-request counts of minutes before it. Rows of buckets in use are never touched.
    /// </summary>
    Task<SweepPage> SweepRateLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken);

    /// <summary>
    /// Finished scheduled posts last written before <paramref name="cutoff"/>: one-off posts that were published,
    /// cancelled or failed, and recurring posts that were cancelled (a failed recurring post waits for a requeue).
    /// </summary>
    Task<SweepPage> SweepFinishedPostsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken);

    /// <summary>
    /// Command-limit buckets last taken from before <paramref name="cutoff"/>: a bucket idle for longer than its period
    /// is full again, so deleting it changes no decision; without the sweep every user who ever ran a command keeps rows.
    /// </summary>
    Task<SweepPage> SweepCommandLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken);
}
