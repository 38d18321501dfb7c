using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Tests.RateLimiting;

/// <summary>The in-process store (and the coordinator's fallback) stays bounded however many keys a long-running process sees.</summary>
public sealed class InMemoryRateLimitStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static BucketObservation Spent(double resetAfterSeconds) => new(5, 0, TimeSpan.FromSeconds(resetAfterSeconds));

    [Fact]
    public async Task ObservingThousandsOfKeysOverTime_KeepsOnlyRecentWindows()
    {
        var store = new InMemoryRateLimitStore(conservative: true);

        // 6,000 responses on distinct keys, one a second, as a long-running process records them.
        for (var i = 0; i < 6_000; i++)
        {
            await store.ObserveAsync("b:edit|c:" + i, Spent(1), Now + TimeSpan.FromSeconds(i), CancellationToken.None);
        }

        Assert.True(store.BucketCount <= 200, $"{store.BucketCount} bucket rows kept");
    }

    [Fact]
    public async Task ObservingMoreLiveKeysThanTheCapacity_StaysAtTheCapacity()
    {
        var store = new InMemoryRateLimitStore(conservative: true, capacity: 1_000);

        for (var i = 0; i < 6_000; i++)
        {
            await store.ObserveAsync("b:edit|c:" + i, Spent(3_600), Now, CancellationToken.None);
        }

        Assert.True(store.BucketCount <= 1_000, $"{store.BucketCount} bucket rows kept");
    }

    [Fact]
    public async Task WhenFull_TheWindowsEndingFirstGo_AndLaterOnesStillHold()
    {
        var store = new InMemoryRateLimitStore(conservative: true, capacity: 4);
        for (var i = 1; i <= 4; i++)
        {
            await store.ObserveAsync("b:k|c:" + i, Spent(10 * i), Now, CancellationToken.None);
        }

        await store.ExhaustAsync("b:k|c:5", TimeSpan.FromSeconds(60), BucketDefaults.Unknown, Now, CancellationToken.None);

        Assert.Equal(4, store.BucketCount);

        // The key whose window ends last is still closed; the one ending first was forgotten and may probe.
        Assert.Equal(0, (await store.ReserveAsync("b:k|c:4", 1, BucketDefaults.Unknown, Now, CancellationToken.None)).Granted);
        Assert.Equal(1, (await store.ReserveAsync("b:k|c:1", 1, BucketDefaults.Unknown, Now, CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task LearnedRoutes_AreCapped()
    {
        var store = new InMemoryRateLimitStore(capacity: 100);

        for (var i = 0; i < 1_000; i++)
        {
            await store.SetBucketIdAsync("GET /route/" + i, "bucket" + i, CancellationToken.None);
        }

        Assert.True(store.RouteCount <= 100, $"{store.RouteCount} routes kept");
        Assert.Equal("bucket999", await store.GetBucketIdAsync("GET /route/999", CancellationToken.None));
    }

    [Fact]
    public async Task InvalidRequestMinutes_OutsideTheWindow_AreForgotten_AndTheWindowStillCounts()
    {
        var store = new InMemoryRateLimitStore();
        var window = TimeSpan.FromMinutes(10);

        // A day of one invalid request a minute, counted as the budget does.
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            var at = Now + TimeSpan.FromMinutes(minute);
            await store.AddInvalidRequestsAsync(1, at, CancellationToken.None);
            await store.CountInvalidRequestsAsync(window, at, CancellationToken.None);
        }

        Assert.True(store.InvalidMinuteCount <= 61, $"{store.InvalidMinuteCount} minutes kept");
        Assert.Equal(10, await store.CountInvalidRequestsAsync(window, Now + TimeSpan.FromMinutes((24 * 60) - 1), CancellationToken.None));
    }
}
