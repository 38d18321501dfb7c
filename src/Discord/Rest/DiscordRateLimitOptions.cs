namespace Serverless.Discord.Rest;

/// <summary>Limits, retries and the invalid-request budget of the Discord REST client. Defaults suit production.</summary>
public sealed class DiscordRateLimitOptions
{
    /// <summary>Discord's global limit for bot-authenticated requests.</summary>
    public int GlobalLimit { get; set; } = 50;

    public TimeSpan GlobalPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Slots of a route bucket claimed from the shared store in one write and spent locally.</summary>
    public int BucketLeaseSize { get; set; } = 3;

    /// <summary>Slots of the global limit claimed in one write.</summary>
    public int GlobalLeaseSize { get; set; } = 10;

    /// <summary>Longer waits for a rate limit fail fast with <see cref="DiscordRateLimitedException"/>.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many 429s one call absorbs (waiting each time) before giving up.</summary>
    public int Max429Retries { get; set; } = 3;

    /// <summary>A store call slower than this counts as a failure and the client falls back to local limits.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the client stays on local limits after a store failure before trying the store again.</summary>
    public TimeSpan StoreRetryAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The global rate used while the store is down: low, because other instances cannot be seen.</summary>
    public int FallbackGlobalLimit { get; set; } = 5;

    /// <summary>Warnings about a degraded store or a spent budget are logged at most once per period.</summary>
    public TimeSpan WarningPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Invalid requests (401, 403, non-shared 429) in <see cref="InvalidRequestWindow"/> after which non-essential calls are refused. Discord bans at 10,000.</summary>
    public int InvalidRequestThreshold { get; set; } = 2_000;

    public TimeSpan InvalidRequestWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the local invalid-request count is flushed to the store and the shared total read back.</summary>
    public TimeSpan InvalidRequestFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Total tries of a retryable call (5xx, network failure, timeout).</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
