using Serverless.Domain.Projections;
using Serverless.Storage.Projections;

namespace Serverless.Storage.Tests.Projections;

/// <summary>The projections' rows against a private Azurite: every write ETag-guarded, a guild's rows listed together.</summary>
public sealed class TableProjectionStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_nextGuild = 810000000000000000;

    private static ProjectionKey NewKey(string subject = "scoreboard") => new((ulong)Interlocked.Increment(ref s_nextGuild), "duels", subject);

    [Fact]
    public async Task ARow_RoundTrips_AndAStaleWriteLoses()
    {
        var store = new TableProjectionStore(azurite.Account);
        var key = NewKey();
        var pending = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        Assert.True(await store.TryWriteAsync(new ProjectionState
        {
            Key = key,
            ChannelId = 1,
            MessageId = 2,
            LogChannelId = 3,
            Version = 7,
            PublishedVersion = 6,
            PublishedHash = "abc",
            RefreshPendingUntil = pending,
            Generation = 4,
            EditRefusals = 1,
        }, CancellationToken.None));

        var read = (await store.GetAsync(key, CancellationToken.None))!;
        Assert.Equal((1UL, 2UL, 3UL, 7L, 6L, "abc", pending, 4, 1), (read.ChannelId!.Value, read.MessageId!.Value, read.LogChannelId!.Value, read.Version, read.PublishedVersion, read.PublishedHash, read.RefreshPendingUntil!.Value, read.Generation, read.EditRefusals));
        Assert.False(read.IsCurrent);

        Assert.True(await store.TryWriteAsync(read with { Version = 8 }, CancellationToken.None));
        Assert.False(await store.TryWriteAsync(read with { Version = 9 }, CancellationToken.None));
        Assert.False(await store.TryWriteAsync(new ProjectionState { Key = key }, CancellationToken.None));
        Assert.Equal(8, (await store.GetAsync(key, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task List_ShowsOneGuildsProjections_OrEveryones()
    {
        var store = new TableProjectionStore(azurite.Account);
        var key = NewKey();
        var other = new ProjectionKey(key.GuildId, "raids", "progress:42");
        var elsewhere = NewKey();
        foreach (var each in new[] { key, other, elsewhere })
        {
            Assert.True(await store.TryWriteAsync(new ProjectionState { Key = each }, CancellationToken.None));
        }

        var guild = await store.ListAsync(key.GuildId, CancellationToken.None);
        Assert.Equal([key, other], guild.Select(state => state.Key));
        var all = await store.ListAsync(null, CancellationToken.None);
        Assert.Contains(all, state => state.Key == elsewhere);
    }

    [Fact]
    public async Task AMissingRow_OrTable_ReadsAsNothing()
    {
        Assert.Null(await new TableProjectionStore(azurite.Account).GetAsync(NewKey(), CancellationToken.None));
    }
}
