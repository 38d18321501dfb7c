using Serverless.Ports.Sessions;
using Serverless.Storage.CompanionState;

namespace Serverless.Storage.Tests.CompanionState;

public sealed class CompanionLeaseStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 23, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    public async Task InitializeAsync() => await azurite.Account.Tables.DeleteTableAsync(TableCompanionHeartbeatStore.TableName);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Acquire_WhenFree_TakesTheLeaseUntilNowPlusDuration()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);

        var lease = await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);

        Assert.Equal(new CompanionLease("a", Now, Now + Duration), lease);
        Assert.Equal(lease, await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Acquire_TwoStoresRacing_ExactlyOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            await azurite.Account.Tables.DeleteTableAsync(TableCompanionHeartbeatStore.TableName);
            var a = new TableCompanionLeaseStore(azurite.Account);
            var b = new TableCompanionLeaseStore(azurite.Account);

            var results = await Task.WhenAll(
                a.TryAcquireAsync("a", Now, Duration, CancellationToken.None),
                b.TryAcquireAsync("b", Now, Duration, CancellationToken.None));

            var winners = results.Where(result => result is not null).ToList();
            Assert.Single(winners);
            Assert.Equal(winners[0]!.Holder, (await a.ReadAsync(CancellationToken.None))!.Holder);
        }
    }

    [Fact]
    public async Task Acquire_RacingForAnExpiredLease_ExactlyOneWins()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        await store.TryAcquireAsync("dead", Now, Duration, CancellationToken.None);
        var later = Now + Duration + TimeSpan.FromSeconds(1);

        var results = await Task.WhenAll(
            new TableCompanionLeaseStore(azurite.Account).TryAcquireAsync("a", later, Duration, CancellationToken.None),
            new TableCompanionLeaseStore(azurite.Account).TryAcquireAsync("b", later, Duration, CancellationToken.None));

        Assert.Single(results, result => result is not null);
    }

    [Fact]
    public async Task Acquire_WhileAnotherHoldsAnUnexpiredLease_Fails()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);

        Assert.Null(await store.TryAcquireAsync("b", Now + Duration - TimeSpan.FromSeconds(1), Duration, CancellationToken.None));
        Assert.Equal("a", (await store.ReadAsync(CancellationToken.None))!.Holder);
    }

    [Fact]
    public async Task Acquire_AfterTheHoldersLeaseExpired_TakesItOver()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);
        var later = Now + Duration + TimeSpan.FromSeconds(1);

        var lease = await store.TryAcquireAsync("b", later, Duration, CancellationToken.None);

        Assert.Equal(new CompanionLease("b", later, later + Duration), lease);
        // The old holder cannot renew what it lost.
        Assert.Null(await store.TryRenewAsync("a", later, Duration, CancellationToken.None));
    }

    [Fact]
    public async Task Renew_ByTheHolder_ExtendsTheExpiryAndKeepsAcquiredAt()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);
        var later = Now + TimeSpan.FromSeconds(10);

        var renewed = await store.TryRenewAsync("a", later, Duration, CancellationToken.None);

        Assert.Equal(new CompanionLease("a", Now, later + Duration), renewed);
        Assert.Equal(renewed, await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Renew_ByANonHolder_FailsAndLeavesTheLease()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        var held = await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);

        Assert.Null(await store.TryRenewAsync("b", Now, Duration, CancellationToken.None));
        Assert.Null(await new TableCompanionLeaseStore(azurite.Account).TryRenewAsync("b", Now, Duration, CancellationToken.None));
        Assert.Equal(held, await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Renew_WhenNobodyHoldsIt_Fails()
    {
        Assert.Null(await new TableCompanionLeaseStore(azurite.Account).TryRenewAsync("a", Now, Duration, CancellationToken.None));
    }

    [Fact]
    public async Task Release_ByTheHolder_FreesTheLeaseForTheNextAcquire()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);

        Assert.True(await store.ReleaseAsync("a", CancellationToken.None));

        Assert.Null(await store.ReadAsync(CancellationToken.None));
        Assert.NotNull(await store.TryAcquireAsync("b", Now, Duration, CancellationToken.None));
    }

    [Fact]
    public async Task Release_ByANonHolder_FailsAndLeavesTheLease()
    {
        var store = new TableCompanionLeaseStore(azurite.Account);
        var held = await store.TryAcquireAsync("a", Now, Duration, CancellationToken.None);

        Assert.False(await store.ReleaseAsync("b", CancellationToken.None));
        Assert.Equal(held, await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Release_WhenNothingIsHeld_ReturnsFalse()
    {
        Assert.False(await new TableCompanionLeaseStore(azurite.Account).ReleaseAsync("a", CancellationToken.None));
    }
}
