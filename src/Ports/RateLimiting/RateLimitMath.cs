namespace Serverless.Ports.RateLimiting;

/// <summary>
/// The pure arithmetic of shared buckets, used by every <see cref="IRateLimitStore"/>: a store reads a row,
/// runs one of these, and writes the result back only if nobody changed the row meanwhile.
/// </summary>
public static class RateLimitMath
{
    /// <summary>
    /// How long a probe holds an unknown bucket before another request may try: long enough for its
    /// response, short enough that a lost probe does not stall the bucket.
    /// </summary>
    public static readonly TimeSpan ProbeHold = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Our guess of a new window starts when we reserve, before Discord sees the request, so Discord's window
    /// ends a little later than ours; this margin keeps us from starting the next window early.
    /// </summary>
    public static readonly TimeSpan WindowMargin = TimeSpan.FromMilliseconds(100);

    /// <summary>Claims up to <paramref name="wanted"/> slots of the window in force at <paramref name="now"/>.</summary>
    public static (BucketState State, Reservation Reservation) Reserve(BucketState? state, int wanted, DateTimeOffset now, BucketDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        if (state is null || now >= state.ResetAt)
        {
            var limit = state is { Probing: false } ? state.Limit : defaults.Limit;
            var period = state?.Period ?? defaults.Period;
            if (limit is not { } known)
            {
                // Nothing known: one request goes out alone and its headers tell everyone else.
                var resetAt = now + ProbeHold;
                return (new BucketState(1, 0, resetAt, period, Probing: true), new Reservation(1, resetAt, Probe: true));
            }

            var granted = Math.Min(wanted, FairShare(known));
            var windowEnd = now + period + WindowMargin;
            return (new BucketState(known, known - granted, windowEnd, period), new Reservation(granted, SpendBy(windowEnd)));
        }

        if (state.Remaining <= 0 || now >= SpendBy(state.ResetAt))
        {
            // Spent, or so close to the reset that a slot might land in Discord's next window uncounted.
            return (state, new Reservation(0, state.ResetAt));
        }

        var take = Math.Min(wanted, FairShare(state.Remaining));
        return (state with { Remaining = state.Remaining - take }, new Reservation(take, SpendBy(state.ResetAt)));
    }

    /// <summary>
    /// One lease takes at most half of what is left (at least one): a lone instance still claims several
    /// slots per store write, while instances sharing a bucket leave slots for each other instead of one
    /// holding them idle until the window ends.
    /// </summary>
    private static int FairShare(int available) => Math.Max(1, (available + 1) / 2);

    /// <summary>
    /// Slots must be sent before Discord's earliest possible reset, and a new window opens only after its latest:
    /// <see cref="BucketState.ResetAt"/> is the latest (margin added), so slots are spent by two margins earlier.
    /// </summary>
    public static DateTimeOffset SpendBy(DateTimeOffset resetAt) => resetAt - (2 * WindowMargin);

    /// <summary>
    /// Folds a response's headers into the shared state. Within the same window the lower remaining count
    /// wins (another instance may already have spent what the headers still show); a later window replaces it.
    /// When <paramref name="conservative"/>, the bucket is closed until its reset whatever the headers say.
    /// </summary>
    public static BucketState Observe(BucketState? state, BucketObservation observation, DateTimeOffset now, bool conservative = false)
    {
        var resetAt = now + observation.ResetAfter + WindowMargin;
        var remaining = conservative ? 0 : Math.Max(0, observation.Remaining);
        var limit = Math.Max(1, observation.Limit);

        // Reset-After seen on a window's first request is its length; keep the longest seen.
        var period = state is null || observation.ResetAfter > state.Period ? observation.ResetAfter : state.Period;
        if (state is null || state.Probing || now >= state.ResetAt || resetAt > state.ResetAt + (state.Period / 2))
        {
            return new BucketState(limit, remaining, resetAt, period);
        }

        return new BucketState(limit, Math.Min(state.Remaining, remaining), resetAt > state.ResetAt ? resetAt : state.ResetAt, period);
    }

    /// <summary>A 429: nothing is left until <paramref name="retryAfter"/> has passed.</summary>
    public static BucketState Exhaust(BucketState? state, TimeSpan retryAfter, DateTimeOffset now, BucketDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var resetAt = now + retryAfter + WindowMargin;
        if (state is not null && state.ResetAt > resetAt && !state.Probing)
        {
            resetAt = state.ResetAt;
        }

        var limit = state is { Probing: false } ? state.Limit : defaults.Limit ?? 1;
        return new BucketState(limit, 0, resetAt, state?.Period ?? defaults.Period);
    }
}
