using Serverless.Ports.RateLimiting;

namespace Serverless.TestSupport;

/// <summary>Counts real I/O in flight so the driver moves the fake clock only while every task waits on it.</summary>
public sealed class InFlight
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async Task<T> TrackAsync<T>(Func<Task<T>> work)
    {
        Interlocked.Increment(ref _count);
        try
        {
            return await work();
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

public sealed class CountingHandler(InFlight inFlight) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(() => base.SendAsync(request, cancellationToken));
}

public sealed class CountingStore(IRateLimitStore inner, InFlight inFlight) : IRateLimitStore
{
    private int _reservations;

    public int Reservations => Volatile.Read(ref _reservations);

    public Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reservations);
        return inFlight.TrackAsync(() => inner.ReserveAsync(key, wanted, defaults, now, cancellationToken));
    }

    public Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(async () => { await inner.ObserveAsync(key, observation, now, cancellationToken); return 0; });

    public Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(async () => { await inner.ExhaustAsync(key, retryAfter, defaults, now, cancellationToken); return 0; });

    public Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(() => inner.GetBucketIdAsync(route, cancellationToken));

    public Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(async () => { await inner.SetBucketIdAsync(route, bucketId, cancellationToken); return 0; });

    public Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(async () => { await inner.AddInvalidRequestsAsync(count, now, cancellationToken); return 0; });

    public Task<int> CountInvalidRequestsAsync(TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        inFlight.TrackAsync(() => inner.CountInvalidRequestsAsync(window, now, cancellationToken));
}
