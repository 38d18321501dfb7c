namespace Serverless.Ports.RateLimiting;

/// <summary>
/// Rate-limit state shared by every instance of the bot, so that many processes spend one budget.
/// Keys are opaque and safe to store (webhook tokens are hashed before they reach a key).
/// Every update is a compare-and-swap of one row: read, apply <see cref="RateLimitMath"/>, write if unchanged.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>Claims up to <paramref name="wanted"/> slots of <paramref name="key"/>'s current window.</summary>
    Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Folds a response's rate-limit headers into the shared state.</summary>
    Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Closes the key's window for <paramref name="retryAfter"/> (a 429 said so).</summary>
    Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The bucket id Discord reported for a route template, or null while unknown.</summary>
    Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken);

    Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken);

    /// <summary>Adds to the invalid-request count of the minute holding <paramref name="now"/>.</summary>
    Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Invalid requests counted in the minutes overlapping (<paramref name="now"/> - <paramref name="window"/>, <paramref name="now"/>].</summary>
    Task<int> CountInvalidRequestsAsync(TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);
}
