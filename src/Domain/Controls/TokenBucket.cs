namespace Serverless.Domain.Controls;

/// <summary>
/// The arithmetic of a command limit's token bucket, free of storage: a bucket holds up to
/// <see cref="LimitPolicy.Capacity"/> tokens, refilled evenly at Capacity per <see cref="LimitPolicy.Per"/>; each
/// command takes one. A stored bucket is only its tokens and when they were counted.
/// </summary>
public static class TokenBucket
{
    /// <summary>The tokens of a bucket last counted at <paramref name="updatedAt"/> (null: never used, so full), as of <paramref name="now"/>.</summary>
    public static double Refill(LimitPolicy policy, double tokens, DateTimeOffset? updatedAt, DateTimeOffset now)
    {
        if (policy.Capacity <= 0)
        {
            return 0;
        }

        if (updatedAt is not { } then)
        {
            return policy.Capacity;
        }

        var elapsed = now - then;
        if (elapsed <= TimeSpan.Zero || policy.Per <= TimeSpan.Zero)
        {
            // A clock that went back refills nothing; a bucket with no period is always full.
            return policy.Per <= TimeSpan.Zero ? policy.Capacity : Math.Min(tokens, policy.Capacity);
        }

        return Math.Min(policy.Capacity, tokens + (elapsed.TotalSeconds * policy.Capacity / policy.Per.TotalSeconds));
    }

    /// <summary>
    /// Takes one token from a bucket holding <paramref name="tokens"/> at <paramref name="now"/> (already refilled):
    /// the decision and the tokens left to store (unchanged when refused).
    /// </summary>
    public static (LimitDecision Decision, double Tokens) Take(LimitPolicy policy, double tokens, DateTimeOffset now)
    {
        if (tokens >= 1)
        {
            var left = tokens - 1;
            return (LimitDecision.Allow((int)Math.Floor(left)), left);
        }

        return (LimitDecision.Refuse(RetryAt(policy, tokens, now)), tokens);
    }

    /// <summary>When a bucket holding <paramref name="tokens"/> at <paramref name="now"/> has one whole token again.</summary>
    public static DateTimeOffset RetryAt(LimitPolicy policy, double tokens, DateTimeOffset now)
    {
        if (policy.Capacity <= 0 || policy.Per <= TimeSpan.Zero)
        {
            // A bucket of no capacity never refills: the earliest honest answer is one whole period on.
            return now + (policy.Per > TimeSpan.Zero ? policy.Per : TimeSpan.FromMinutes(1));
        }

        var missing = Math.Max(0, 1 - tokens);
        // Less a hair, so floating-point dust (20.0000001 s) does not add a whole second.
        var seconds = Math.Ceiling((missing * policy.Per.TotalSeconds / policy.Capacity) - 1e-6);
        return now + TimeSpan.FromSeconds(Math.Max(1, seconds));
    }
}
