using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Storage.Duels;

namespace Serverless.Storage.Tests.Duels;

/// <summary>Duels and ratings against a private Azurite: a settlement writes the duel and both ratings, all or nothing.</summary>
public sealed class TableDuelStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_nextGuild = 820000000000000000;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly GuildMonth December = new(2026, 12);

    private static Duel Accepted(ulong guild, string id) =>
        DuelRules.Accept(DuelRules.Challenge(guild, id, 1, 2, Now, TimeSpan.FromMinutes(10)), 2, Now).Duel;

    [Fact]
    public async Task ASettlement_WritesTheDuelAndBothRatings_AndItsReplayChangesNothing()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableDuelStore(azurite.Account);
        await store.CreateAsync(Accepted(guild, "d1"), CancellationToken.None);
        var duel = (await store.GetAsync(guild, "d1", CancellationToken.None))!;
        var settled = DuelRules.Report(DuelRules.Report(duel, 1, won: true).Duel, 2, won: false).Duel;
        var winner = await store.GetRatingAsync(guild, 1, CancellationToken.None);
        var loser = await store.GetRatingAsync(guild, 2, CancellationToken.None);

        Assert.True(await store.TrySettleAsync(settled with { RatingChange = 16 }, winner with { Rating = 1016, Wins = 1 }, loser with { Rating = 984, Losses = 1 }, December, CancellationToken.None));

        // The same settlement again (a replayed click that read before the first one wrote) is refused as a whole.
        Assert.False(await store.TrySettleAsync(settled with { RatingChange = 16 }, winner with { Rating = 1016, Wins = 1 }, loser with { Rating = 984, Losses = 1 }, December, CancellationToken.None));
        var stored = (await store.GetAsync(guild, "d1", CancellationToken.None))!;
        Assert.Equal((DuelStatus.Settled, 1UL, 16), (stored.Status, stored.WinnerId!.Value, stored.RatingChange!.Value));
        var ratings = await store.ListRatingsAsync(guild, CancellationToken.None);
        Assert.Equal(2, ratings.Count);
        Assert.Contains(ratings, rating => rating is { UserId: 1, Rating: 1016, Wins: 1, Losses: 0 });
        Assert.Contains(ratings, rating => rating is { UserId: 2, Rating: 984, Wins: 0, Losses: 1 });

        // The win counts once in December for the hall, and in no other month.
        var wins = await store.ListMonthWinsAsync(guild, December, CancellationToken.None);
        Assert.Equal([1UL], Assert.Single(wins).MemberIds);
        Assert.Equal(1L, wins[0].Score);
        Assert.Empty(await store.ListMonthWinsAsync(guild, December.Next, CancellationToken.None));
    }

    [Fact]
    public async Task MonthWins_CountEachMembersSettledDuels_InTheirMonth()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableDuelStore(azurite.Account);
        foreach (var (id, month) in new[] { ("d1", December), ("d2", December), ("d3", December.Next) })
        {
            await store.CreateAsync(Accepted(guild, id), CancellationToken.None);
            var settled = DuelRules.Report(DuelRules.Report((await store.GetAsync(guild, id, CancellationToken.None))!, 1, won: true).Duel, 2, won: false).Duel;
            var winner = await store.GetRatingAsync(guild, 1, CancellationToken.None);
            var loser = await store.GetRatingAsync(guild, 2, CancellationToken.None);
            Assert.True(await store.TrySettleAsync(settled, winner with { Wins = winner.Wins + 1 }, loser with { Losses = loser.Losses + 1 }, month, CancellationToken.None));
        }

        Assert.Equal(2L, Assert.Single(await store.ListMonthWinsAsync(guild, December, CancellationToken.None)).Score);
        Assert.Equal(1L, Assert.Single(await store.ListMonthWinsAsync(guild, December.Next, CancellationToken.None)).Score);
    }

    [Fact]
    public async Task ASettlementOverAStaleRating_WritesNothing()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableDuelStore(azurite.Account);
        await store.CreateAsync(Accepted(guild, "d1"), CancellationToken.None);
        await store.CreateAsync(Accepted(guild, "d2"), CancellationToken.None);
        var first = DuelRules.Settle(DuelRules.Report(DuelRules.Report((await store.GetAsync(guild, "d1", CancellationToken.None))!, 1, true).Duel, 2, true).Duel, 9, true, 1).Duel;
        var second = DuelRules.Settle(DuelRules.Report(DuelRules.Report((await store.GetAsync(guild, "d2", CancellationToken.None))!, 1, true).Duel, 2, true).Duel, 9, true, 1).Duel;
        var winner = await store.GetRatingAsync(guild, 1, CancellationToken.None);
        var loser = await store.GetRatingAsync(guild, 2, CancellationToken.None);
        Assert.True(await store.TrySettleAsync(first, winner with { Rating = 1016, Wins = 1 }, loser with { Rating = 984, Losses = 1 }, December, CancellationToken.None));

        // Read before the first settlement: its ratings are stale, so the second duel stays as it was.
        Assert.False(await store.TrySettleAsync(second, winner with { Rating = 1016, Wins = 1 }, loser with { Rating = 984, Losses = 1 }, December, CancellationToken.None));

        Assert.Equal(DuelStatus.Accepted, (await store.GetAsync(guild, "d2", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task AStaleDuelUpdate_Loses_AndAnUnknownDuelReadsAsNothing()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableDuelStore(azurite.Account);
        await store.CreateAsync(DuelRules.Challenge(guild, "d1", 1, 2, Now, TimeSpan.FromMinutes(10)), CancellationToken.None);
        var read = (await store.GetAsync(guild, "d1", CancellationToken.None))!;

        Assert.True(await store.TryUpdateAsync(DuelRules.Accept(read, 2, Now).Duel, CancellationToken.None));
        Assert.False(await store.TryUpdateAsync(DuelRules.Decline(read, 2, Now).Duel, CancellationToken.None));
        Assert.Equal(DuelStatus.Accepted, (await store.GetAsync(guild, "d1", CancellationToken.None))!.Status);
        Assert.Null(await store.GetAsync(guild, "nope", CancellationToken.None));
        Assert.Equal(Elo.StartRating, (await store.GetRatingAsync(guild, 5, CancellationToken.None)).Rating);
    }
}
