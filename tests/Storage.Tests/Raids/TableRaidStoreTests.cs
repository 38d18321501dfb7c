using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Storage.Hall;
using Serverless.Storage.Raids;

namespace Serverless.Storage.Tests.Raids;

/// <summary>Raids and halls against a private Azurite: one active raid, an attack's rows all or nothing, replays refused.</summary>
public sealed class TableRaidStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_nextGuild = 830000000000000000;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly GuildMonth December = new(2026, 12);

    private static ulong NextGuild() => (ulong)Interlocked.Increment(ref s_nextGuild);

    private TableRaidStore Store => new(azurite.Account);

    [Fact]
    public async Task AGuildHasOneActiveRaid_UntilItEnds()
    {
        var guild = NextGuild();
        Assert.True(await Store.TryStartAsync(RaidRules.Start(guild, "r1", "Dragon", 100, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None));
        Assert.False(await Store.TryStartAsync(RaidRules.Start(guild, "r2", "Hydra", 100, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None));

        var active = (await Store.GetActiveAsync(guild, CancellationToken.None))!;
        Assert.Equal(("r1", "Dragon", 100L, Now + TimeSpan.FromHours(1)), (active.Id, active.Name, active.Goal, active.EndsAt));
        Assert.True(await Store.TryEndAsync(RaidRules.Stop(active, Now, TimeZoneInfo.Utc), CancellationToken.None));
        Assert.False(await Store.TryEndAsync(RaidRules.Stop(active, Now, TimeZoneInfo.Utc), CancellationToken.None));

        Assert.Null(await Store.GetActiveAsync(guild, CancellationToken.None));
        Assert.True(await Store.TryStartAsync(RaidRules.Start(guild, "r2", "Hydra", 100, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None));
        Assert.Equal(["r1"], (await Store.ListEndedAsync(guild, December, CancellationToken.None)).Select(raid => raid.Id));
    }

    [Fact]
    public async Task AnAttack_WritesRaidMemberAndMonth_AndItsReplayIsRefusedWhole()
    {
        var guild = NextGuild();
        await Store.TryStartAsync(RaidRules.Start(guild, "r1", "Dragon", 100, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None);
        var raid = (await Store.GetActiveAsync(guild, CancellationToken.None))!;
        var member = await Store.GetMemberAsync(guild, "r1", 7, CancellationToken.None);
        var score = await Store.GetMonthScoreAsync(guild, December, 7, CancellationToken.None);
        var attack = new RaidAttack(guild, 4242, "r1", 7, 60, Now);

        Assert.True(await Store.TryRecordAttackAsync(RaidRules.Attack(raid, 60, Now, December), attack, member with { Damage = 60, Attacks = 1, LastAttackAt = Now }, score with { Damage = 60 }, CancellationToken.None));

        // Re-read (fresh ETags) and tried again with the same interaction: the attack row refuses it, and nothing moves.
        var again = (await Store.GetActiveAsync(guild, CancellationToken.None))!;
        var member2 = await Store.GetMemberAsync(guild, "r1", 7, CancellationToken.None);
        var score2 = await Store.GetMonthScoreAsync(guild, December, 7, CancellationToken.None);
        Assert.False(await Store.TryRecordAttackAsync(RaidRules.Attack(again, 60, Now, December), attack, member2 with { Damage = 120 }, score2 with { Damage = 120 }, CancellationToken.None));

        Assert.Equal(60, (await Store.GetAsync(guild, "r1", CancellationToken.None))!.Total);
        Assert.Equal((60L, 1, (DateTimeOffset?)Now), (member2.Damage, member2.Attacks, member2.LastAttackAt));
        Assert.Equal(60, Assert.Single(await Store.ListMonthScoresAsync(guild, December, CancellationToken.None)).Damage);
        Assert.Equal(attack, await Store.GetAttackAsync(guild, 4242, CancellationToken.None));
    }

    [Fact]
    public async Task TheWinningAttack_EndsTheRaid_AndFreesTheGuild()
    {
        var guild = NextGuild();
        await Store.TryStartAsync(RaidRules.Start(guild, "r1", "Dragon", 50, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None);
        var raid = (await Store.GetActiveAsync(guild, CancellationToken.None))!;
        var member = await Store.GetMemberAsync(guild, "r1", 7, CancellationToken.None);
        var score = await Store.GetMonthScoreAsync(guild, December, 7, CancellationToken.None);

        Assert.True(await Store.TryRecordAttackAsync(RaidRules.Attack(raid, 60, Now, December), new RaidAttack(guild, 1, "r1", 7, 60, Now), member with { Damage = 60 }, score with { Damage = 60 }, CancellationToken.None));

        Assert.Null(await Store.GetActiveAsync(guild, CancellationToken.None));
        var ended = Assert.Single(await Store.ListEndedAsync(guild, December, CancellationToken.None));
        Assert.Equal((RaidStatus.Won, (GuildMonth?)December), (ended.Status, ended.EndedMonth));
        Assert.Equal(["r1"], (await Store.ListMembersAsync(guild, "r1", CancellationToken.None)).Select(m => m.RaidId));
    }

    [Fact]
    public async Task Overdue_ListsRunningRaidsPastTheirEnd_AcrossGuilds()
    {
        var (late, onTime) = (NextGuild(), NextGuild());
        await Store.TryStartAsync(RaidRules.Start(late, "r1", "Dragon", 50, 5, 1, Now - TimeSpan.FromHours(2), TimeSpan.FromHours(1)), CancellationToken.None);
        await Store.TryStartAsync(RaidRules.Start(onTime, "r1", "Dragon", 50, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None);

        var overdue = await Store.ListOverdueAsync(Now, CancellationToken.None);

        Assert.Contains(overdue, raid => raid.GuildId == late);
        Assert.DoesNotContain(overdue, raid => raid.GuildId == onTime);
    }

    [Fact]
    public async Task AHallAndItsArchives_AreWrittenWithTheirETags()
    {
        var guild = NextGuild();
        var halls = new TableHallStore(azurite.Account);
        Assert.True(await halls.TryWriteAsync(new HallState(guild, 5, December), CancellationToken.None));
        Assert.False(await halls.TryWriteAsync(new HallState(guild, 6, December), CancellationToken.None));
        var hall = (await halls.GetAsync(guild, CancellationToken.None))!;
        Assert.True(await halls.TryWriteAsync(hall with { ShownMonth = December.Next }, CancellationToken.None));
        Assert.False(await halls.TryWriteAsync(hall with { ChannelId = 9 }, CancellationToken.None));
        Assert.Contains(await halls.ListAsync(CancellationToken.None), listed => listed.GuildId == guild && listed.ShownMonth == December.Next);

        var claim = new HallArchive(guild, December, HallArchiveStatus.Claimed) { ChannelId = 5, ClaimedUntil = Now, FirstClaimedAt = Now };
        Assert.True(await halls.TryWriteArchiveAsync(claim, CancellationToken.None));
        Assert.False(await halls.TryWriteArchiveAsync(claim, CancellationToken.None));
        var stored = (await halls.GetArchiveAsync(guild, December, CancellationToken.None))!;
        Assert.True(await halls.TryWriteArchiveAsync(stored with { Status = HallArchiveStatus.Posted, MessageId = 77, ClaimedUntil = null }, CancellationToken.None));
        var posted = (await halls.GetArchiveAsync(guild, December, CancellationToken.None))!;
        Assert.Equal((HallArchiveStatus.Posted, (ulong?)77, (ulong?)5, (DateTimeOffset?)Now), (posted.Status, posted.MessageId, posted.ChannelId, posted.FirstClaimedAt));
        Assert.Null(await halls.GetArchiveAsync(guild, December.Next, CancellationToken.None));
    }
}
