using Serverless.Ports.RateLimiting;
using Serverless.Storage.RateLimiting;

namespace Serverless.Storage.Tests.RateLimiting;

/// <summary>The shared rate-limit rows against a private Azurite: ETag-guarded, so racing instances never over-grant.</summary>
public sealed class TableRateLimitStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reserve_FromManyInstancesAtOnce_NeverGrantsMoreThanTheLimit()
    {
        var key = "b:race|c:" + Guid.NewGuid().ToString("N");
        var defaults = new BucketDefaults(10, TimeSpan.FromSeconds(1));

        // Eight store objects (as eight instances would have) each asking for leases of three.
        var stores = Enumerable.Range(0, 8).Select(_ => new TableRateLimitStore(azurite.Account)).ToList();
        var grants = await Task.WhenAll(stores.Select(store => store.ReserveAsync(key, 3, defaults, Now, CancellationToken.None)));

        Assert.Equal(10, grants.Sum(grant => grant.Granted));
        Assert.All(grants, grant => Assert.True(grant.ValidUntil > Now));
    }

    [Fact]
    public async Task FirstWrites_RacingOnAMissingTable_AllSucceed()
    {
        // Tests of this class run one at a time, so the table can be dropped here.
        await azurite.Account.Tables.DeleteTableAsync(TableRateLimitStore.TableName);
        var store = new TableRateLimitStore(azurite.Account);

        // Every write meets TableNotFound while the first creation is still in flight.
        var grants = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            store.ReserveAsync("b:fresh|c:" + i, 1, new BucketDefaults(5, TimeSpan.FromSeconds(5)), Now, CancellationToken.None)));

        Assert.All(grants, grant => Assert.Equal(1, grant.Granted));
    }

    [Fact]
    public async Task Observe_ThenReserve_UsesTheHeaders()
    {
        var store = new TableRateLimitStore(azurite.Account);
        var key = "b:headers|c:" + Guid.NewGuid().ToString("N");

        await store.ObserveAsync(key, new BucketObservation(5, 2, TimeSpan.FromSeconds(4)), Now, CancellationToken.None);
        var lease = await store.ReserveAsync(key, 5, BucketDefaults.Unknown, Now, CancellationToken.None);
        var last = await store.ReserveAsync(key, 5, BucketDefaults.Unknown, Now, CancellationToken.None);
        var none = await store.ReserveAsync(key, 1, BucketDefaults.Unknown, Now, CancellationToken.None);
        var afterReset = await store.ReserveAsync(key, 5, BucketDefaults.Unknown, Now + TimeSpan.FromSeconds(5), CancellationToken.None);

        // Two left: a lease takes at most half (at least one), so the two go out one lease each.
        Assert.Equal(1, lease.Granted);
        Assert.Equal(1, last.Granted);
        Assert.Equal(0, none.Granted);
        Assert.Equal(Now + TimeSpan.FromSeconds(4) + RateLimitMath.WindowMargin, none.ValidUntil);
        Assert.Equal(3, afterReset.Granted);
    }

    [Fact]
    public async Task Exhaust_ClosesTheBucketUntilRetryAfter()
    {
        var store = new TableRateLimitStore(azurite.Account);
        var key = "global-" + Guid.NewGuid().ToString("N");
        var defaults = new BucketDefaults(50, TimeSpan.FromSeconds(1));

        await store.ExhaustAsync(key, TimeSpan.FromSeconds(3), defaults, Now, CancellationToken.None);
        var blocked = await store.ReserveAsync(key, 1, defaults, Now + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(0, blocked.Granted);
        Assert.Equal(Now + TimeSpan.FromSeconds(3) + RateLimitMath.WindowMargin, blocked.ValidUntil);
    }

    [Fact]
    public async Task RouteBuckets_AreShared()
    {
        var route = "POST /channels/{id}/messages " + Guid.NewGuid().ToString("N");

        Assert.Null(await new TableRateLimitStore(azurite.Account).GetBucketIdAsync(route, CancellationToken.None));
        await new TableRateLimitStore(azurite.Account).SetBucketIdAsync(route, "abcd", CancellationToken.None);

        Assert.Equal("abcd", await new TableRateLimitStore(azurite.Account).GetBucketIdAsync(route, CancellationToken.None));
    }

    [Fact]
    public async Task InvalidRequests_AreSummedOverTheRollingWindow()
    {
        // A far-off time of its own so other tests' counts do not mix in.
        var start = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(100_000) * 20);
        var stores = Enumerable.Range(0, 4).Select(_ => new TableRateLimitStore(azurite.Account)).ToList();

        await Task.WhenAll(stores.Select(store => store.AddInvalidRequestsAsync(5, start, CancellationToken.None)));
        await stores[0].AddInvalidRequestsAsync(7, start.AddMinutes(3), CancellationToken.None);

        Assert.Equal(27, await stores[1].CountInvalidRequestsAsync(TimeSpan.FromMinutes(10), start.AddMinutes(5), CancellationToken.None));
        Assert.Equal(7, await stores[1].CountInvalidRequestsAsync(TimeSpan.FromMinutes(10), start.AddMinutes(10), CancellationToken.None));
        Assert.Equal(0, await stores[1].CountInvalidRequestsAsync(TimeSpan.FromMinutes(10), start.AddMinutes(14), CancellationToken.None));
    }
}
