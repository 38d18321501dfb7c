using Microsoft.Extensions.Logging;

namespace Serverless.Discord.Gateway;

/// <summary>
/// Shared by all shards: at most one identify per <c>shard_id % max_concurrency</c> bucket per 5 s, and none once the
/// daily budget (<c>session_start_limit</c>) is spent; going over it would make Discord reset the bot token.
/// Resumes do not pass through here: they cost nothing.
/// </summary>
public sealed partial class GatewayIdentifyLimiter
{
    private static readonly TimeSpan AssumedBudgetPeriod = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _total;
    private readonly DateTimeOffset?[] _lastIdentifyAt;
    private int _remaining;
    private DateTimeOffset _resetAt;

    public GatewayIdentifyLimiter(GatewaySessionStartLimit limit, TimeProvider time, ILogger<GatewayIdentifyLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _logger = logger;
        _total = limit.Total;
        _remaining = limit.Remaining;
        _resetAt = time.GetUtcNow() + limit.ResetAfter;
        MaxConcurrency = Math.Max(1, limit.MaxConcurrency);
        _lastIdentifyAt = new DateTimeOffset?[MaxConcurrency];
    }

    public int MaxConcurrency { get; }

    /// <summary>Identifies left in the current budget period, counting ours down.</summary>
    public int Remaining
    {
        get
        {
            lock (_gate)
            {
                RefillIfReset(_time.GetUtcNow());
                return _remaining;
            }
        }
    }

    public DateTimeOffset ResetAt
    {
        get
        {
            lock (_gate)
            {
                return _resetAt;
            }
        }
    }

    /// <summary>Returns once the budget has an identify left; calls <paramref name="onExhausted"/> before waiting for the reset.</summary>
    public async Task WaitForBudgetAsync(Action<DateTimeOffset>? onExhausted, CancellationToken cancellationToken)
    {
        while (true)
        {
            DateTimeOffset resetAt;
            lock (_gate)
            {
                RefillIfReset(_time.GetUtcNow());
                if (_remaining > 0)
                {
                    return;
                }

                resetAt = _resetAt;
            }

            await WaitForResetAsync(resetAt, onExhausted, cancellationToken);
        }
    }

    /// <summary>Waits for the shard's bucket and the daily budget, then counts one identify. Call right before sending op 2.</summary>
    public async Task AcquireAsync(int shardId, Action<DateTimeOffset>? onExhausted, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        var bucket = shardId % MaxConcurrency;
        while (true)
        {
            DateTimeOffset waitUntil;
            bool exhausted;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                RefillIfReset(now);
                exhausted = _remaining <= 0;
                if (exhausted)
                {
                    waitUntil = _resetAt;
                }
                else if (_lastIdentifyAt[bucket] is { } last && last + GatewayLimits.IdentifyPeriod > now)
                {
                    waitUntil = last + GatewayLimits.IdentifyPeriod;
                }
                else
                {
                    _lastIdentifyAt[bucket] = now;
                    _remaining--;
                    Log.IdentifyGranted(_logger, shardId, bucket, _remaining, _total);
                    return;
                }
            }

            if (exhausted)
            {
                await WaitForResetAsync(waitUntil, onExhausted, cancellationToken);
            }
            else
            {
                await _time.DelayUntilAsync(waitUntil, cancellationToken);
            }
        }
    }

    private async Task WaitForResetAsync(DateTimeOffset resetAt, Action<DateTimeOffset>? onExhausted, CancellationToken cancellationToken)
    {
        Log.BudgetExhausted(_logger, _total, resetAt);
        onExhausted?.Invoke(resetAt);
        await _time.DelayUntilAsync(resetAt, cancellationToken);
    }

    private void RefillIfReset(DateTimeOffset now)
    {
        if (now < _resetAt)
        {
            return;
        }

        // Discord's period is a day; the next GET /gateway/bot (a restart) corrects any drift.
        _remaining = _total;
        _resetAt = now + AssumedBudgetPeriod;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7120, Level = LogLevel.Information, Message = "Gateway shard {ShardId} may identify (bucket {Bucket}); {Remaining} of {Total} daily identifies left")]
        public static partial void IdentifyGranted(ILogger logger, int shardId, int bucket, int remaining, int total);

        [LoggerMessage(EventId = 7121, Level = LogLevel.Critical, Message = "Daily gateway identify budget spent ({Total} per period): no shard identifies until {ResetAt:O}. Identifying anyway would make Discord reset the bot token")]
        public static partial void BudgetExhausted(ILogger logger, int total, DateTimeOffset resetAt);
    }
}
