using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Rest;

/// <summary>
/// Counts invalid requests (401, 403, and 429 other than scope <c>shared</c>) in a rolling window shared by
/// every instance: counts buffer locally and are flushed to the store (one row per minute) at most every
/// <see cref="DiscordRateLimitOptions.InvalidRequestFlushInterval"/>, when the shared total is read back.
/// While the store cannot be reached the other instances' counts are unseen, so this instance spends only its
/// share of what was left: its unshared count weighs <see cref="DiscordRateLimitOptions.ExpectedInstances"/> times.
/// </summary>
internal sealed partial class InvalidRequestBudget(
    IRateLimitStore store,
    IOptions<DiscordRateLimitOptions> options,
    TimeProvider timeProvider,
    ILogger<InvalidRequestBudget> logger) : IDisposable
{
    private readonly DiscordRateLimitOptions _options = options.Value;
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private int _pending;
    private int _sharedTotal;
    private volatile bool _storeReachable = true;
    private DateTimeOffset _lastSync = DateTimeOffset.MinValue;
    private DateTimeOffset _nextWarning = DateTimeOffset.MinValue;

    /// <summary>The best estimate of invalid requests in the window, across instances (assuming the worst while the store is unreachable).</summary>
    public int Count => Volatile.Read(ref _sharedTotal) + (Volatile.Read(ref _pending) * (_storeReachable ? 1 : _options.ExpectedInstances));

    public bool IsExhausted => Count >= _options.InvalidRequestThreshold;

    public void Record() => Interlocked.Increment(ref _pending);

    /// <summary>Flushes and refreshes when the interval has passed; a store failure keeps the local count.</summary>
    public async Task SyncIfDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now - _lastSync < _options.InvalidRequestFlushInterval || !await _syncGate.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.StoreTimeout * 2, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            _lastSync = now;
            var pending = Volatile.Read(ref _pending);
            if (pending > 0)
            {
                await store.AddInvalidRequestsAsync(pending, now, linked.Token).WaitAsync(linked.Token);
                Interlocked.Add(ref _pending, -pending);
            }

            var total = await store.CountInvalidRequestsAsync(_options.InvalidRequestWindow, now, linked.Token).WaitAsync(linked.Token);
            Volatile.Write(ref _sharedTotal, total);
            _storeReachable = true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
        {
            _storeReachable = false;
            Log.SyncFailed(logger, exception.GetType().Name);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    public void Dispose() => _syncGate.Dispose();

    /// <summary>Logs loudly, once per warning period, that calls are being refused.</summary>
    public void WarnExhausted(string route)
    {
        var now = timeProvider.GetUtcNow();
        if (now >= _nextWarning)
        {
            _nextWarning = now + _options.WarningPeriod;
            Log.BudgetExhausted(logger, Count, _options.InvalidRequestThreshold, _options.InvalidRequestWindow.TotalMinutes, route);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "Invalid-request budget spent: {InvalidRequests} invalid requests (threshold {Threshold}) in {WindowMinutes} min; refusing non-essential Discord calls such as {Route}. Check for a rejected token, missing permissions or a 429 loop.")]
        public static partial void BudgetExhausted(ILogger logger, int invalidRequests, int threshold, double windowMinutes, string route);

        [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "Could not sync the invalid-request count with the store ({ErrorType}); counting locally")]
        public static partial void SyncFailed(ILogger logger, string errorType);
    }
}
