using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Rest;

/// <summary>
/// One per process: spends slots of shared buckets. Slots are claimed from <see cref="IRateLimitStore"/> in
/// leases of several at a time (one conditional write) and spent locally, so a lone instance with budget
/// pays a store round trip only every few requests. When the store fails or is slower than
/// <see cref="DiscordRateLimitOptions.StoreTimeout"/>, it switches to conservative in-process limits
/// for a while: never to none.
/// </summary>
internal sealed partial class RateLimitCoordinator(
    IRateLimitStore store,
    IOptions<DiscordRateLimitOptions> options,
    TimeProvider timeProvider,
    ILogger<RateLimitCoordinator> logger)
{
    public const string GlobalKey = "global";
    private static readonly TimeSpan RouteProbePoll = TimeSpan.FromMilliseconds(250);

    private readonly DiscordRateLimitOptions _options = options.Value;
    private readonly InMemoryRateLimitStore _fallback = new(conservative: true);

    // Buckets of one interaction's webhook token stay in this process: one worker uses a token at a time,
    // and sharing them would cost a storage write per deferred answer and a table row per interaction.
    private readonly InMemoryRateLimitStore _tokenBuckets = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LocalLease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? BucketId, DateTimeOffset Until)> _routes = new(StringComparer.Ordinal);
    private const int MinPruneAt = 4096;

    /// <summary>Route templates remembered; only paths with free-text segments could ever come near it.</summary>
    private const int MaxRoutes = 1024;
    private int _pruneAt = MinPruneAt;
    private DateTimeOffset _degradedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextWarning = DateTimeOffset.MinValue;

    public BucketDefaults GlobalDefaults => new(_options.GlobalLimit, _options.GlobalPeriod);

    /// <summary>
    /// The global limit while the store is down: the fleet's <see cref="DiscordRateLimitOptions.GlobalLimit"/> split
    /// over <see cref="DiscordRateLimitOptions.ExpectedInstances"/>, and at most <see cref="DiscordRateLimitOptions.FallbackGlobalLimit"/>.
    /// A share below one request per period stretches the period instead.
    /// </summary>
    public BucketDefaults FallbackGlobalDefaults
    {
        get
        {
            var share = Math.Min(_options.FallbackGlobalLimit, _options.GlobalLimit / _options.ExpectedInstances);
            return share >= 1
                ? new BucketDefaults(share, _options.GlobalPeriod)
                : new BucketDefaults(1, _options.GlobalPeriod * ((double)_options.ExpectedInstances / _options.GlobalLimit));
        }
    }

    /// <summary>True while the shared store is skipped after a failure.</summary>
    public bool IsDegraded => timeProvider.GetUtcNow() < _degradedUntil;

    /// <summary>
    /// The key of the request's bucket: the learned bucket id if anyone learned it, else the route.
    /// <paramref name="askStore"/> skips a cached "unknown": a request refused behind another instance's probe asks again.
    /// </summary>
    public async Task<string> BucketKeyAsync(DiscordRoute route, bool askStore, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_routes.TryGetValue(route.Template, out var known) && (known.BucketId is not null || (now < known.Until && !askStore)))
            {
                return route.BucketKey(known.BucketId);
            }
        }

        var bucketId = await CallStoreAsync(ct => store.GetBucketIdAsync(route.Template, ct), () => Task.FromResult<string?>(null), cancellationToken);
        lock (_lock)
        {
            // A response may have taught us the bucket while the store was read: never forget it again.
            if (_routes.TryGetValue(route.Template, out var learned) && learned.BucketId is not null)
            {
                return route.BucketKey(learned.BucketId);
            }

            // Unknown routes are asked again shortly: another instance may learn the bucket first.
            RememberRoute(route.Template, bucketId, now + TimeSpan.FromSeconds(1), now);
        }

        return route.BucketKey(bucketId);
    }

    /// <summary>Waits (on the TimeProvider) until a slot of the route's bucket is ours; returns the bucket key used.</summary>
    /// <remarks>The key is resolved again after every wait: a request that queued while the route's bucket was unknown must spend from the learned bucket, not the route's probe row.</remarks>
    /// <remarks><c>Waited</c> is the time spent sleeping for the bucket's reset (not store round trips): the telemetry's rate-limit wait.</remarks>
    public Task<(string Key, DateTimeOffset ValidUntil, TimeSpan Waited)> AcquireAsync(DiscordRoute route, int leaseSize, CancellationToken cancellationToken) =>
        AcquireAsync((askStore, ct) => BucketKeyAsync(route, askStore, ct), BucketDefaults.Unknown, leaseSize, route.Template, global: false, cancellationToken);

    /// <summary>Waits until a slot of the global limit is ours; returns when it must be spent by, and how long it slept.</summary>
    public async Task<(DateTimeOffset ValidUntil, TimeSpan Waited)> AcquireGlobalAsync(string routeForErrors, CancellationToken cancellationToken)
    {
        var (_, validUntil, waited) = await AcquireAsync((_, _) => Task.FromResult(GlobalKey), GlobalDefaults, _options.GlobalLeaseSize, routeForErrors, global: true, cancellationToken);
        return (validUntil, waited);
    }

    private async Task<(string Key, DateTimeOffset ValidUntil, TimeSpan Waited)> AcquireAsync(Func<bool, CancellationToken, Task<string>> resolveKey, BucketDefaults defaults, int leaseSize, string routeForErrors, bool global, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + _options.MaxWait;
        var waited = TimeSpan.Zero;
        for (var turn = 0; ; turn++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = await resolveKey(turn > 0, cancellationToken);
            var now = timeProvider.GetUtcNow();
            LocalLease lease;
            lock (_lock)
            {
                lease = Lease(key);
                if (lease.TryTake(now))
                {
                    return (key, lease.ValidUntil, waited);
                }

                lease.Demand++;
            }

            try
            {
                var (acquired, slept) = await TryAcquireOrWaitAsync(lease, key, defaults, leaseSize, routeForErrors, global, deadline, cancellationToken);
                waited += slept;
                if (acquired is { } slot)
                {
                    return (slot.Key, slot.ValidUntil, waited);
                }
            }
            finally
            {
                lock (_lock)
                {
                    lease.Demand--;
                }
            }
        }
    }

    /// <summary>
    /// One turn at the key's gate: a slot from the lease or a new lease from the store, else a wait for the reset
    /// (or local news). Returns when the slot is valid until, or null to try again, and how long it slept.
    /// </summary>
    private async Task<((string Key, DateTimeOffset ValidUntil)? Acquired, TimeSpan Slept)> TryAcquireOrWaitAsync(LocalLease lease, string key, BucketDefaults defaults, int leaseSize, string routeForErrors, bool global, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        DateTimeOffset now;
        DateTimeOffset retryAt;
        await lease.Gate.WaitAsync(cancellationToken);
        try
        {
            now = timeProvider.GetUtcNow();
            lock (_lock)
            {
                // Another local request may have refilled the lease while we queued for the gate.
                if (lease.TryTake(now))
                {
                    return ((key, lease.ValidUntil), TimeSpan.Zero);
                }
            }

            retryAt = lease.BlockedUntil;
            if (retryAt <= now)
            {
                var degraded = IsDegraded;
                var wanted = degraded ? 1 : lease.NextLeaseSize(now, Math.Max(1, leaseSize));
                var fallbackDefaults = global ? FallbackGlobalDefaults : defaults;
                var reservation = await CallStoreAsync(
                    key,
                    (state, ct) => state.ReserveAsync(key, wanted, defaults, now, ct),
                    () => _fallback.ReserveAsync(key, 1, fallbackDefaults, now, CancellationToken.None),
                    cancellationToken);
                lock (_lock)
                {
                    lease.Contended = reservation.Granted < wanted;
                    if (reservation.Granted > 0)
                    {
                        lease.Fill(reservation.Granted - 1, reservation.ValidUntil, reservation.Probe);
                        return ((key, reservation.ValidUntil), TimeSpan.Zero);
                    }

                    lease.BlockedUntil = reservation.ValidUntil;
                }

                retryAt = reservation.ValidUntil;
            }
        }
        finally
        {
            lease.Gate.Release();
        }

        if (!global && DiscordRoute.IsRouteKey(key) && retryAt > now + RouteProbePoll)
        {
            // Behind a route's probe (maybe another instance's): look for the learned bucket again soon
            // rather than sitting out the whole probe hold.
            retryAt = now + RouteProbePoll;
        }

        if (retryAt > deadline)
        {
            throw new DiscordRateLimitedException(routeForErrors, retryAt - now, global);
        }

        Log.Waiting(logger, routeForErrors, (retryAt - now).TotalMilliseconds, global);
        var sleepStarted = timeProvider.GetTimestamp();
        await WaitAsync(retryAt - now, lease.Changed, cancellationToken);
        return (null, timeProvider.GetElapsedTime(sleepStarted));
    }

    /// <summary>Folds a response's headers in; writes to the store only when it tells others something new.</summary>
    public async Task ObserveAsync(DiscordRoute route, string usedKey, string? bucketId, BucketObservation observation, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var key = route.BucketKey(bucketId);
        bool learnedRoute;
        bool tellOthers;
        lock (_lock)
        {
            learnedRoute = bucketId is not null && (!_routes.TryGetValue(route.Template, out var known) || known.BucketId != bucketId);
            if (learnedRoute)
            {
                RememberRoute(route.Template, bucketId, DateTimeOffset.MaxValue, now);
            }

            var lease = Lease(key);
            var resetAt = now + observation.ResetAfter + RateLimitMath.WindowMargin;

            // A new window, a spent bucket, or a probe's answer is news for the other instances;
            // "one fewer left in the window we know" is not, and costs no write.
            // A window that ends later than the shared row thinks (its first request reached Discord late) is
            // news too: otherwise someone would open the next window while Discord still counts this one.
            tellOthers = learnedRoute || key != usedKey || lease.Probing || observation.Remaining <= 0 || lease.KnownResetAt is null
                || now >= lease.KnownResetAt || RateLimitMath.SpendBy(resetAt) > lease.KnownResetAt + RateLimitMath.WindowMargin;
            lease.Observe(observation.Remaining, RateLimitMath.SpendBy(resetAt));
        }

        if (!IsTokenKey(key))
        {
            // Kept for an outage: the fallback then starts from the windows we know.
            await _fallback.ObserveAsync(key, observation, now, CancellationToken.None);
        }

        if (learnedRoute)
        {
            await CallStoreAsync(async ct => { await store.SetBucketIdAsync(route.Template, bucketId!, ct); return true; }, () => Task.FromResult(false), cancellationToken);
        }

        if (tellOthers)
        {
            await CallStoreAsync(key, async (state, ct) => { await state.ObserveAsync(key, observation, now, ct); return true; }, () => Task.FromResult(false), cancellationToken);
        }

        // Wake local waiters only once the store holds the news, or they would read the old row.
        lock (_lock)
        {
            Lease(key).Signal();
            Lease(usedKey).Signal();
        }
    }

    /// <summary>A 429: nobody (here or elsewhere) sends on <paramref name="key"/> for <paramref name="retryAfter"/>.</summary>
    public async Task ExhaustAsync(string key, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var global = key == GlobalKey;
        var defaults = global ? GlobalDefaults : BucketDefaults.Unknown;
        lock (_lock)
        {
            Lease(key).Block(now + retryAfter);
        }

        if (!IsTokenKey(key))
        {
            // The fallback's global row keeps the fallback's limit: the row's limit outlives this window.
            await _fallback.ExhaustAsync(key, retryAfter, global ? FallbackGlobalDefaults : defaults, now, CancellationToken.None);
        }

        await CallStoreAsync(key, async (state, ct) => { await state.ExhaustAsync(key, retryAfter, defaults, now, ct); return true; }, () => Task.FromResult(false), cancellationToken);
    }

    private LocalLease Lease(string key)
    {
        if (!_leases.TryGetValue(key, out var lease))
        {
            if (_leases.Count >= _pruneAt)
            {
                Prune(timeProvider.GetUtcNow());
            }

            lease = new LocalLease();
            _leases[key] = lease;
        }

        return lease;
    }

    /// <summary>
    /// Every interaction token is a key of its own, so idle leases are dropped once there are many; the
    /// threshold doubles with what is still live, keeping the sweep's cost amortized.
    /// </summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, lease) in _leases)
        {
            if (lease.IsIdle(now))
            {
                _leases.Remove(key);
            }
        }

        _pruneAt = Math.Max(MinPruneAt, _leases.Count * 2);
    }

    /// <summary>Caller holds the lock. Full: unknown routes whose answer is stale go, then (never in practice) all, each re-read from the store once.</summary>
    private void RememberRoute(string template, string? bucketId, DateTimeOffset until, DateTimeOffset now)
    {
        if (!_routes.ContainsKey(template) && _routes.Count >= MaxRoutes)
        {
            foreach (var (old, known) in _routes)
            {
                if (known.BucketId is null && now >= known.Until)
                {
                    _routes.Remove(old);
                }
            }

            if (_routes.Count >= MaxRoutes)
            {
                _routes.Clear();
            }
        }

        _routes[template] = (bucketId, until);
    }

    private static bool IsTokenKey(string key) => key.Contains(DiscordRoute.WebhookMajorMarker, StringComparison.Ordinal);

    /// <summary>
    /// A call on the key's state: a webhook token's buckets live in this process and cannot fail, so they skip the
    /// store, its timeout and the fallback (which then never holds one row per interaction).
    /// </summary>
    private Task<T> CallStoreAsync<T>(string key, Func<IRateLimitStore, CancellationToken, Task<T>> call, Func<Task<T>> fallback, CancellationToken cancellationToken) =>
        IsTokenKey(key) ? call(_tokenBuckets, cancellationToken) : CallStoreAsync(ct => call(store, ct), fallback, cancellationToken);

    /// <summary>Runs a store call under the store timeout; on failure switches to local limits and runs <paramref name="fallback"/>.</summary>
    private async Task<T> CallStoreAsync<T>(Func<CancellationToken, Task<T>> call, Func<Task<T>> fallback, CancellationToken cancellationToken)
    {
        if (IsDegraded)
        {
            return await fallback();
        }

        using var timeout = new CancellationTokenSource(_options.StoreTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await call(linked.Token).WaitAsync(linked.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
        {
            var now = timeProvider.GetUtcNow();
            _degradedUntil = now + _options.StoreRetryAfter;
            if (now >= _nextWarning)
            {
                _nextWarning = now + _options.WarningPeriod;
                var global = FallbackGlobalDefaults;
                Log.StoreDegraded(logger, exception.GetType().Name, _options.StoreRetryAfter.TotalSeconds, global.Limit!.Value / global.Period.TotalSeconds, _options.ExpectedInstances);
            }

            return await fallback();
        }
    }

    private async Task WaitAsync(TimeSpan delay, Task changed, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        // Wake on the reset, or earlier when a local response tells us the bucket's real state.
        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sleep = Task.Delay(delay, timeProvider, cancelDelay.Token);
        await Task.WhenAny(sleep, changed);
        await cancelDelay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Slots this process holds for one key, and what it last heard about the key's window.</summary>
    private sealed class LocalLease
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Slots { get; private set; }

        public DateTimeOffset ValidUntil { get; private set; }

        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;

        /// <summary>Local requests waiting for a slot of this key.</summary>
        public int Demand { get; set; }

        private int _target;

        /// <summary>The last reservation got fewer slots than asked: others spend this key too.</summary>
        public bool Contended { get; set; }

        /// <summary>
        /// How many slots the next lease asks for: at least what local requests wait for, and a target that doubles
        /// when a lease was used up and halves when one expired with slots left, so that an instance that cannot
        /// use its share leaves it to the others instead of holding it idle until the window ends.
        /// </summary>
        public int NextLeaseSize(DateTimeOffset now, int max)
        {
            _target = _target == 0 ? max
                : Contended ? 1
                : Slots > 0 && now >= ValidUntil ? Math.Max(1, _target / 2)
                : Math.Min(max, _target * 2);
            return Math.Clamp(Math.Max(_target, Demand), 1, max);
        }

        public DateTimeOffset? KnownResetAt { get; private set; }

        public Task Changed => _changed.Task;

        /// <summary>Nothing held, nothing pending, nobody inside the gate: safe to forget.</summary>
        public bool IsIdle(DateTimeOffset now) =>
            Demand == 0 && Gate.CurrentCount == 1 && now >= ValidUntil && now >= BlockedUntil && (KnownResetAt is null || now >= KnownResetAt);

        public bool TryTake(DateTimeOffset now)
        {
            if (Slots > 0 && now < ValidUntil && now >= BlockedUntil)
            {
                Slots--;
                return true;
            }

            return false;
        }

        /// <summary>This process sent the probe of an unknown bucket: the shared row says "probing" until its answer is written.</summary>
        public bool Probing { get; private set; }

        public void Fill(int slots, DateTimeOffset validUntil, bool probe)
        {
            Probing = probe;
            Slots = slots;
            ValidUntil = validUntil;
            KnownResetAt = validUntil;
            BlockedUntil = DateTimeOffset.MinValue;
        }

        public void Observe(int remaining, DateTimeOffset resetAt)
        {
            // Never hold more than Discord says is left; a new window's slots come from the store.
            Probing = false;
            Slots = Math.Min(Slots, Math.Max(0, remaining));
            KnownResetAt = KnownResetAt is { } known && known > resetAt ? known : resetAt;
            BlockedUntil = DateTimeOffset.MinValue;
        }

        public void Block(DateTimeOffset until)
        {
            Slots = 0;
            BlockedUntil = until;
            Signal();
        }

        public void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Waiting {DelayMs} ms for rate limit on {Route} (global: {Global})")]
        public static partial void Waiting(ILogger logger, string route, double delayMs, bool global);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Rate-limit store failed ({ErrorType}); using conservative local limits for {RetryAfterSeconds} s (one request per bucket window, global {FallbackGlobalPerSecond}/s as one of {ExpectedInstances} expected instances)")]
        public static partial void StoreDegraded(ILogger logger, string errorType, double retryAfterSeconds, double fallbackGlobalPerSecond, int expectedInstances);
    }
}
