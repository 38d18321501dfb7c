using Serverless.Domain.Features.Pairs;

namespace Serverless.Domain.Tests.Features.Pairs;

/// <summary>The pairs' rules on local dates: streaks, gaps, repeats, invites and leaving.</summary>
public sealed class PairRulesTests
{
    private const ulong Ann = 1;
    private const ulong Ben = 2;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static Pair Active() => PairRules.Accept(PairRules.Invite(9, "77", Ann, Ben, Now, TimeSpan.FromHours(1)), Ben, Now).Pair;

    private static Pair BothOn(Pair pair, DateOnly day) =>
        PairRules.CheckIn(PairRules.CheckIn(pair, Ann, day).Pair, Ben, day).Pair;

    [Fact]
    public void ADay_CountsOnlyWhenBothCheckIn_AndTheSecondCheckInCountsIt()
    {
        var day = new DateOnly(2026, 12, 5);
        var first = PairRules.CheckIn(Active(), Ann, day);
        Assert.True(first.Changed);
        Assert.False(first.DayCounted);
        Assert.Equal(0, first.Pair.TotalDays);

        var second = PairRules.CheckIn(first.Pair, Ben, day);
        Assert.True(second.DayCounted);
        Assert.Equal((1, 1, 1, day), (second.Pair.CurrentStreak, second.Pair.BestStreak, second.Pair.TotalDays, second.Pair.LastCountedDay!.Value));
        Assert.Equal([new PairCheckIn(Ben, day), new PairCheckIn(Ann, day)], second.Pair.Recent);
    }

    [Fact]
    public void ASecondCheckInTheSameDay_IsRefused_AndCountsNothing()
    {
        var day = new DateOnly(2026, 12, 5);
        var pair = BothOn(Active(), day);
        var again = PairRules.CheckIn(pair, Ann, day);
        Assert.False(again.Changed);
        Assert.Contains("already checked in", again.Refusal, StringComparison.Ordinal);
        Assert.Equal(1, again.Pair.TotalDays);
    }

    [Fact]
    public void AnEarlierDay_AsAZoneChangeCanMakeIt_IsRefusedLikeARepeat()
    {
        var pair = PairRules.CheckIn(Active(), Ann, new DateOnly(2026, 12, 6)).Pair;
        Assert.False(PairRules.CheckIn(pair, Ann, new DateOnly(2026, 12, 5)).Changed);
    }

    [Fact]
    public void ConsecutiveDays_GrowTheStreak_AndAGapRestartsIt_KeepingTheBest()
    {
        var pair = Active();
        var start = new DateOnly(2026, 12, 1);
        for (var offset = 0; offset < 3; offset++)
        {
            pair = BothOn(pair, start.AddDays(offset));
        }

        Assert.Equal((3, 3, 3), (pair.CurrentStreak, pair.BestStreak, pair.TotalDays));

        // Dec 4 passed with only one of them: the streak breaks.
        pair = PairRules.CheckIn(pair, Ann, start.AddDays(3)).Pair;
        pair = BothOn(pair, start.AddDays(4));
        Assert.Equal((1, 3, 4), (pair.CurrentStreak, pair.BestStreak, pair.TotalDays));
    }

    [Fact]
    public void CheckInsOnDifferentDays_DoNotCount()
    {
        var pair = PairRules.CheckIn(Active(), Ann, new DateOnly(2026, 12, 5)).Pair;
        var step = PairRules.CheckIn(pair, Ben, new DateOnly(2026, 12, 6));
        Assert.False(step.DayCounted);
        Assert.Equal(0, step.Pair.TotalDays);
    }

    [Fact]
    public void TheRecentList_KeepsTheNewestFew()
    {
        var pair = Active();
        for (var offset = 0; offset < 10; offset++)
        {
            pair = BothOn(pair, new DateOnly(2026, 12, 1).AddDays(offset));
        }

        Assert.Equal(Pair.RecentKept, pair.Recent.Count);
        Assert.Equal(new DateOnly(2026, 12, 10), pair.Recent[0].Day);
    }

    [Fact]
    public void OnlyMembersOfAnActivePair_CheckIn()
    {
        Assert.False(PairRules.CheckIn(Active(), 3, new DateOnly(2026, 12, 5)).Changed);
        var invited = PairRules.Invite(9, "77", Ann, Ben, Now, TimeSpan.FromHours(1));
        Assert.False(PairRules.CheckIn(invited, Ann, new DateOnly(2026, 12, 5)).Changed);
        var ended = PairRules.Leave(Active(), Ann, Now).Pair;
        Assert.Equal(PairStatus.Ended, ended.Status);
        Assert.False(PairRules.CheckIn(ended, Ben, new DateOnly(2026, 12, 5)).Changed);
    }

    [Fact]
    public void OnlyTheInvitedMember_Answers_BeforeTheInviteExpires()
    {
        var invite = PairRules.Invite(9, "77", Ann, Ben, Now, TimeSpan.FromHours(1));
        Assert.Contains("Only the invited member", PairRules.Accept(invite, Ann, Now).Refusal, StringComparison.Ordinal);
        Assert.Contains("expired", PairRules.Accept(invite, Ben, Now.AddHours(2)).Refusal, StringComparison.Ordinal);
        Assert.Equal(PairStatus.Declined, PairRules.Decline(invite, Ben, Now).Pair.Status);
        var accepted = PairRules.Accept(invite, Ben, Now).Pair;
        Assert.Contains("already answered", PairRules.Accept(accepted, Ben, Now).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Invites_AreRefusedForYourself_AndForMembersAlreadyPairedOrInvited()
    {
        Assert.Contains("yourself", PairRules.InviteRefusal(Ann, Ann, null, null, Now), StringComparison.Ordinal);
        Assert.Contains("Name the member", PairRules.InviteRefusal(Ann, 0, null, null, Now), StringComparison.Ordinal);
        Assert.Contains("already in a pair", PairRules.InviteRefusal(Ann, 3, Active(), null, Now), StringComparison.Ordinal);
        Assert.Contains("That member is already in a pair", PairRules.InviteRefusal(3, Ben, null, Active(), Now), StringComparison.Ordinal);
        var pending = PairRules.Invite(9, "78", 4, Ben, Now, TimeSpan.FromHours(1));
        Assert.Contains("pending", PairRules.InviteRefusal(Ann, Ben, null, pending, Now), StringComparison.Ordinal);

        // An expired invite, a declined one or an ended pair holds nobody.
        Assert.Null(PairRules.InviteRefusal(Ann, Ben, null, pending, Now.AddHours(2)));
        Assert.Null(PairRules.InviteRefusal(Ann, Ben, PairRules.Leave(Active(), Ann, Now).Pair, null, Now));
    }
}
