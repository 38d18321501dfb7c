namespace Serverless.Ports.RateLimiting;

/// <summary>
/// The shared state for one process (and tests). With <c>conservative</c> it is also the fallback used
/// when the real store is unreachable: every response closes its bucket until the reset, so a bucket gets
/// one request per window.
/// </summary>
/// <remarks>
/// Bounded, because a long-running process sees ever new keys (channels, interaction tokens): every write of a
/// new key first forgets windows long over (at most once per <see cref="SweepInterval"/>, or at once when full),
/// and a full store then drops the quarter of its rows whose windows end first: those matter least, and a
/// forgotten bucket only costs one probe. Learned routes and invalid-request minutes are capped the same way.
/// </remarks>
public sealed class InMemoryRateLimitStore(bool conservative = false, int capacity = InMemoryRateLimitStore.DefaultCapacity) : IRateLimitStore
{
    public const int DefaultCapacity = 4096;

    /// <summary>How long a row is kept after its window ended: its learned limit spares the next request a probe.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>Invalid-request minutes kept even when no longer window has been counted.</summary>
    private static readonly TimeSpan MinInvalidRetention = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly int _capacity = capacity >= 4 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least 4.");
    private readonly Dictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string BucketId, long Order)> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _invalidByMinute = [];
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private TimeSpan _invalidRetention = MinInvalidRetention;
    private long _routeWrites;

    /// <summary>Bucket rows held now; never more than the capacity.</summary>
    public int BucketCount
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Route → bucket entries held now; never more than the capacity.</summary>
    public int RouteCount
    {
        get
        {
            lock (_lock)
            {
                return _routes.Count;
            }
        }
    }

    /// <summary>Minutes of invalid-request counts held now.</summary>
    public int InvalidMinuteCount
    {
        get
        {
            lock (_lock)
            {
                return _invalidByMinute.Count;
            }
        }
    }

    public Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var (state, reservation) = RateLimitMath.Reserve(_buckets.GetValueOrDefault(key), wanted, now, defaults);
            Put(key, state, now);
            return Task.FromResult(reservation);
        }
    }

    public Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Put(key, RateLimitMath.Observe(_buckets.GetValueOrDefault(key), observation, now, conservative), now);
        }

        return Task.CompletedTask;
    }

    public Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Put(key, RateLimitMath.Exhaust(_buckets.GetValueOrDefault(key), retryAfter, now, defaults), now);
        }

        return Task.CompletedTask;
    }

    public Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_routes.TryGetValue(route, out var known) ? known.BucketId : null);
        }
    }

    public Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_routes.ContainsKey(route) && _routes.Count >= _capacity)
            {
                // Routes have no expiry: the least recently learned go (the next request on one probes again).
                RemoveFirst(_routes, _routes.Count - (_capacity * 3 / 4), entry => entry.Order);
            }

            _routes[route] = (bucketId, _routeWrites++);
        }

        return Task.CompletedTask;
    }

    public Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            if (!_invalidByMinute.ContainsKey(minute))
            {
                var oldest = (now - _invalidRetention).ToUnixTimeSeconds() / 60;
                foreach (var old in _invalidByMinute.Keys.Where(old => old < oldest).ToList())
                {
                    _invalidByMinute.Remove(old);
                }
            }

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
            // Minutes are kept as long as the longest window anyone asked about.
            _invalidRetention = window > _invalidRetention ? window : _invalidRetention;
            return Task.FromResult(_invalidByMinute.Where(pair => pair.Key > first && pair.Key <= last).Sum(pair => pair.Value));
        }
    }

    /// <summary>Writes a row, making room first when the key is new. Caller holds the lock.</summary>
    private void Put(string key, BucketState state, DateTimeOffset now)
    {
        if (!_buckets.ContainsKey(key))
        {
            if (now >= _nextSweep || _buckets.Count >= _capacity)
            {
                _nextSweep = now + SweepInterval;
                foreach (var (old, bucket) in _buckets)
                {
                    if (now - bucket.ResetAt > Retention)
                    {
                        _buckets.Remove(old);
                    }
                }
            }

            if (_buckets.Count >= _capacity)
            {
                RemoveFirst(_buckets, _buckets.Count - (_capacity * 3 / 4), bucket => bucket.ResetAt);
            }
        }

        _buckets[key] = state;
    }

    /// <summary>Removes the <paramref name="count"/> entries that sort first by <paramref name="order"/>.</summary>
    private static void RemoveFirst<TValue, TOrder>(Dictionary<string, TValue> map, int count, Func<TValue, TOrder> order)
    {
        foreach (var key in map.OrderBy(entry => order(entry.Value)).Take(count).Select(entry => entry.Key).ToList())
        {
            map.Remove(key);
        }
    }
}
