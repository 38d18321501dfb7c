using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.RateLimiting;

/// <summary>
/// Fixed-window counters like Discord's: one per (bucket, major parameter), plus one global window for
/// bot-authenticated routes. Windows open on the first request and close at their reset time, read
/// from the <see cref="TimeProvider"/>, so a FakeTimeProvider can exhaust and reset them deterministically.
/// </summary>
internal sealed class RateLimiter(SandboxRateLimitOptions options, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Bucket, string Major), Window> _windows = [];
    private readonly Window _global = new();

    public bool Enabled => options.Enabled;

    public RouteRateLimit LimitFor(RateLimitCategory category) => category switch
    {
        RateLimitCategory.ChannelMessages => options.ChannelMessages,
        RateLimitCategory.Webhooks => options.Webhooks,
        _ => options.Default,
    };

    public RateLimitDecision Acquire(string bucket, string majorParameter, RateLimitCategory category, bool countsTowardGlobal)
    {
        var limit = LimitFor(category);
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (countsTowardGlobal)
            {
                _global.Roll(now, options.GlobalPeriod);
                if (_global.Used >= options.GlobalLimit)
                {
                    return RateLimitDecision.Denied(options.GlobalLimit, _global.ResetAt, now, global: true);
                }
            }

            if (!_windows.TryGetValue((bucket, majorParameter), out var window))
            {
                window = new Window();
                _windows[(bucket, majorParameter)] = window;
            }

            window.Roll(now, limit.Period);
            if (window.Used >= limit.Limit)
            {
                return RateLimitDecision.Denied(limit.Limit, window.ResetAt, now, global: false);
            }

            window.Used++;
            if (countsTowardGlobal)
            {
                _global.Used++;
            }

            return new RateLimitDecision(true, false, limit.Limit, limit.Limit - window.Used, window.ResetAt, window.ResetAt - now);
        }
    }

    private sealed class Window
    {
        public DateTimeOffset ResetAt { get; private set; } = DateTimeOffset.MinValue;

        public int Used { get; set; }

        public void Roll(DateTimeOffset now, TimeSpan period)
        {
            if (now >= ResetAt)
            {
                ResetAt = now + period;
                Used = 0;
            }
        }
    }
}

internal enum RateLimitCategory
{
    Default,
    ChannelMessages,
    Webhooks,
}

/// <summary>The limiter's answer for one request, carrying what the rate-limit headers report.</summary>
internal readonly record struct RateLimitDecision(
    bool Allowed,
    bool Global,
    int Limit,
    int Remaining,
    DateTimeOffset ResetAt,
    TimeSpan ResetAfter)
{
    /// <summary>Never zero: a client told to retry after 0 s would spin.</summary>
    public TimeSpan RetryAfter => ResetAfter > TimeSpan.FromMilliseconds(1) ? ResetAfter : TimeSpan.FromMilliseconds(1);

    public static RateLimitDecision Denied(int limit, DateTimeOffset resetAt, DateTimeOffset now, bool global) =>
        new(false, global, limit, 0, resetAt, resetAt - now);
}
