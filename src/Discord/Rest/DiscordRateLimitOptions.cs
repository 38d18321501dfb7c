using Microsoft.Extensions.Options;

namespace Serverless.Discord.Rest;

/// <summary>
/// Limits, retries and the invalid-request budget of the Discord REST client, bound from
/// <c>Discord__RateLimits__*</c>. Defaults suit production; change them only with a reason.
/// </summary>
public sealed class DiscordRateLimitOptions
{
    public const string SectionName = "Discord:RateLimits";

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

    /// <summary>
    /// The most global slots one process spends per <see cref="GlobalPeriod"/> while the store is down; the fleet's
    /// <see cref="GlobalLimit"/> split over <see cref="ExpectedInstances"/> lowers it further.
    /// </summary>
    public int FallbackGlobalLimit { get; set; } = 5;

    /// <summary>
    /// How many processes may call Discord with this bot token at once (Function App instances at full scale-out,
    /// the companion, an ops run). While the store is down nobody can see the others, so each process spends only
    /// its share: <see cref="GlobalLimit"/> / this, and this fraction of the invalid-request budget left.
    /// </summary>
    public int ExpectedInstances { get; set; } = 10;

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

/// <summary>Refuses settings that would disable or invert a limit, naming the setting.</summary>
public sealed class DiscordRateLimitOptionsValidator : IValidateOptions<DiscordRateLimitOptions>
{
    private const string Prefix = "Discord__RateLimits__";

    public ValidateOptionsResult Validate(string? name, DiscordRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void AtLeastOne(string setting, int value)
        {
            if (value < 1)
            {
                failures.Add($"{Prefix}{setting} must be at least 1 (it is {value}).");
            }
        }

        void Positive(string setting, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{Prefix}{setting} must be a positive time span such as 00:00:30 (it is {value}).");
            }
        }

        AtLeastOne(nameof(options.GlobalLimit), options.GlobalLimit);
        AtLeastOne(nameof(options.BucketLeaseSize), options.BucketLeaseSize);
        AtLeastOne(nameof(options.GlobalLeaseSize), options.GlobalLeaseSize);
        AtLeastOne(nameof(options.Max429Retries), options.Max429Retries);
        AtLeastOne(nameof(options.FallbackGlobalLimit), options.FallbackGlobalLimit);
        AtLeastOne(nameof(options.ExpectedInstances), options.ExpectedInstances);
        AtLeastOne(nameof(options.InvalidRequestThreshold), options.InvalidRequestThreshold);
        AtLeastOne(nameof(options.MaxAttempts), options.MaxAttempts);
        AtLeastOne(nameof(options.BreakerMinimumThroughput), options.BreakerMinimumThroughput);
        Positive(nameof(options.GlobalPeriod), options.GlobalPeriod);
        Positive(nameof(options.MaxWait), options.MaxWait);
        Positive(nameof(options.StoreTimeout), options.StoreTimeout);
        Positive(nameof(options.StoreRetryAfter), options.StoreRetryAfter);
        Positive(nameof(options.WarningPeriod), options.WarningPeriod);
        Positive(nameof(options.InvalidRequestWindow), options.InvalidRequestWindow);
        Positive(nameof(options.InvalidRequestFlushInterval), options.InvalidRequestFlushInterval);
        Positive(nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        Positive(nameof(options.RetryMaxDelay), options.RetryMaxDelay);
        Positive(nameof(options.AttemptTimeout), options.AttemptTimeout);
        Positive(nameof(options.BreakerSamplingDuration), options.BreakerSamplingDuration);
        Positive(nameof(options.BreakerBreakDuration), options.BreakerBreakDuration);
        if (options.InvalidRequestThreshold >= 10_000)
        {
            failures.Add($"{Prefix}InvalidRequestThreshold must stay below Discord's ban at 10,000 (it is {options.InvalidRequestThreshold}).");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1)
        {
            failures.Add($"{Prefix}BreakerFailureRatio must be in (0, 1] (it is {options.BreakerFailureRatio}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
