namespace Serverless.Domain.RateLimiting;

/// <summary>
/// The shared state for one process (and tests). With <c>conservative</c> it is also the fallback used
/// when the real store is unreachable: every response closes its bucket until the reset, so a bucket gets
/// one request per window.
/// </summary>
public sealed class InMemoryRateLimitStore(bool conservative = false) : IRateLimitStore
{
    private const int MinPruneAt = 4096;
    private readonly Lock _lock = new();
    private int _pruneAt = MinPruneAt;
    private readonly Dictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _invalidByMinute = [];

    public Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var (state, reservation) = RateLimitMath.Reserve(_buckets.GetValueOrDefault(key), wanted, now, defaults);
            if (!_buckets.ContainsKey(key) && _buckets.Count >= _pruneAt)
            {
                // Interaction tokens make many short-lived keys: forget windows long over.
                foreach (var (old, bucket) in _buckets)
                {
                    if (now - bucket.ResetAt > TimeSpan.FromMinutes(1))
                    {
                        _buckets.Remove(old);
                    }
                }

                _pruneAt = Math.Max(MinPruneAt, _buckets.Count * 2);
            }

            _buckets[key] = state;
            return Task.FromResult(reservation);
        }
    }

    public Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _buckets[key] = RateLimitMath.Observe(_buckets.GetValueOrDefault(key), observation, now, conservative);
        }

        return Task.CompletedTask;
    }

    public Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _buckets[key] = RateLimitMath.Exhaust(_buckets.GetValueOrDefault(key), retryAfter, now, defaults);
        }

        return Task.CompletedTask;
    }

    public Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_routes.GetValueOrDefault(route));
        }
    }

    public Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _routes[route] = bucketId;
        }

        return Task.CompletedTask;
    }

    public Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            _invalidByMinute[minute] = _invalidByMinute.GetValueOrDefault(minute) + count;
        }

        return Task.CompletedTask;
    }

    public Task<int> CountInvalidRequestsAsync(TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = now.ToUnixTimeSeconds() / 60;
        var first = (now - window).ToUnixTimeSeconds() / 60;
        lock (_lock)
        {
            return Task.FromResult(_invalidByMinute.Where(pair => pair.Key > first && pair.Key <= last).Sum(pair => pair.Value));
        }
    }
}
