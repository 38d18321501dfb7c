using Serverless.Domain.Community;
using Serverless.Domain.Features.Pairs;
using Serverless.Storage.Pairs;

namespace Serverless.Storage.Tests.Pairs;

/// <summary>Pairs against a private Azurite: an invite and a counted day each write their rows all or nothing.</summary>
public sealed class TablePairStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_nextGuild = 830000000000000000;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AnInvite_WritesThePairAndBothPointers_AndARacingOneWritesNothing()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TablePairStore(azurite.Account);
        var pair = PairRules.Invite(guild, "11", 1, 2, Now, TimeSpan.FromHours(1));
        Assert.True(await store.TryCreateAsync(pair, new PairMembership(guild, 1, "11"), new PairMembership(guild, 2, "11"), CancellationToken.None));

        // A second invite that read no pointer for member 2 (before the first wrote) is refused as a whole.
        var racing = PairRules.Invite(guild, "12", 3, 2, Now, TimeSpan.FromHours(1));
        Assert.False(await store.TryCreateAsync(racing, new PairMembership(guild, 3, "12"), new PairMembership(guild, 2, "12"), CancellationToken.None));
        Assert.Null(await store.GetAsync(guild, "12", CancellationToken.None));
        Assert.Null(await store.GetMembershipAsync(guild, 3, CancellationToken.None));
        Assert.Equal("11", (await store.GetMembershipAsync(guild, 2, CancellationToken.None))!.PairId);
    }

    [Fact]
    public async Task ACountedDay_WritesThePairAndItsMonth_AndItsReplayCountsNothing()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TablePairStore(azurite.Account);
        await store.TryCreateAsync(PairRules.Invite(guild, "21", 1, 2, Now, TimeSpan.FromHours(1)), new PairMembership(guild, 1, "21"), new PairMembership(guild, 2, "21"), CancellationToken.None);
        var invited = (await store.GetAsync(guild, "21", CancellationToken.None))!;
        Assert.True(await store.TryUpdateAsync(PairRules.Accept(invited, 2, Now).Pair, CancellationToken.None));

        var day = new DateOnly(2026, 12, 5);
        var active = (await store.GetAsync(guild, "21", CancellationToken.None))!;
        var first = PairRules.CheckIn(active, 1, day).Pair;
        Assert.True(await store.TryCheckInAsync(first, null, CancellationToken.None));
        var step = PairRules.CheckIn((await store.GetAsync(guild, "21", CancellationToken.None))!, 2, day);
        Assert.True(step.DayCounted);
        var month = await store.GetMonthAsync(step.Pair, new GuildMonth(2026, 12), CancellationToken.None);
        Assert.True(await store.TryCheckInAsync(step.Pair, month with { Days = month.Days + 1 }, CancellationToken.None));
        Assert.False(await store.TryCheckInAsync(step.Pair, month with { Days = month.Days + 1 }, CancellationToken.None));

        var stored = (await store.GetAsync(guild, "21", CancellationToken.None))!;
        Assert.Equal((PairStatus.Active, 1, 1, day), (stored.Status, stored.CurrentStreak, stored.TotalDays, stored.LastCountedDay!.Value));
        Assert.Equal([new PairCheckIn(2, day), new PairCheckIn(1, day)], stored.Recent);
        var score = Assert.Single(await store.ListMonthAsync(guild, new GuildMonth(2026, 12), CancellationToken.None));
        Assert.Equal((1UL, 2UL, 1), (score.FirstMemberId, score.SecondMemberId, score.Days));
        Assert.Empty(await store.ListMonthAsync(guild, new GuildMonth(2026, 11), CancellationToken.None));
    }
}
