using Serverless.Domain.Features.Duels;

namespace Serverless.Domain.Tests.Features.Duels;

public sealed class DuelRulesTests
{
    private const ulong Guild = 9;
    private const ulong Challenger = 1;
    private const ulong Opponent = 2;
    private const ulong Stranger = 3;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static Duel Challenged() => DuelRules.Challenge(Guild, "d1", Challenger, Opponent, Now, TimeSpan.FromMinutes(10));

    private static Duel Accepted() => DuelRules.Accept(Challenged(), Opponent, Now).Duel;

    [Fact]
    public void OnlyTheChallengedMember_MayAcceptOrDecline()
    {
        Assert.Equal(DuelStatus.Accepted, DuelRules.Accept(Challenged(), Opponent, Now).Duel.Status);
        Assert.Equal(DuelStatus.Declined, DuelRules.Decline(Challenged(), Opponent, Now).Duel.Status);

        foreach (var user in new[] { Challenger, Stranger })
        {
            var step = DuelRules.Accept(Challenged(), user, Now);
            Assert.False(step.Changed);
            Assert.Equal(DuelStatus.Challenged, step.Duel.Status);
            Assert.NotNull(step.Refusal);
        }
    }

    [Fact]
    public void AnAcceptAfterTheTimeout_ExpiresTheChallenge()
    {
        var step = DuelRules.Accept(Challenged(), Opponent, Now.AddMinutes(10));

        Assert.True(step.Changed);
        Assert.Equal(DuelStatus.Expired, step.Duel.Status);
        Assert.False(DuelRules.Accept(step.Duel, Opponent, Now).Changed);
    }

    [Fact]
    public void AgreeingReports_SettleTheDuel_ForTheOneWhoWon()
    {
        var first = DuelRules.Report(Accepted(), Opponent, won: true);
        Assert.Equal(DuelStatus.Accepted, first.Duel.Status);

        var second = DuelRules.Report(first.Duel, Challenger, won: false);

        Assert.Equal(DuelStatus.Settled, second.Duel.Status);
        Assert.Equal(Opponent, second.Duel.WinnerId);
        Assert.Equal(Challenger, second.Duel.LoserId);
    }

    [Fact]
    public void AReplayedReport_ChangesNothing()
    {
        var reported = DuelRules.Report(Accepted(), Challenger, won: true).Duel;

        var again = DuelRules.Report(reported, Challenger, won: true);

        Assert.False(again.Changed);
        Assert.Same(reported, again.Duel);
    }

    [Fact]
    public void ReportsAfterSettlement_AndFromStrangers_AreRefused()
    {
        var settled = DuelRules.Report(DuelRules.Report(Accepted(), Challenger, won: true).Duel, Opponent, won: false).Duel;

        Assert.False(DuelRules.Report(settled, Opponent, won: true).Changed);
        Assert.False(DuelRules.Report(Accepted(), Stranger, won: true).Changed);
        Assert.False(DuelRules.Report(Challenged(), Challenger, won: true).Changed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DisagreeingReports_GoToAModerator_WhoAloneSettles(bool bothClaimAWin)
    {
        var disputed = DuelRules.Report(DuelRules.Report(Accepted(), Challenger, bothClaimAWin).Duel, Opponent, bothClaimAWin).Duel;
        Assert.Equal(DuelStatus.Disputed, disputed.Status);

        Assert.False(DuelRules.Settle(disputed, Challenger, mayModerate: false, Challenger).Changed);
        Assert.False(DuelRules.Settle(disputed, Stranger, mayModerate: true, Stranger).Changed);
        var settled = DuelRules.Settle(disputed, Stranger, mayModerate: true, Opponent);

        Assert.Equal(DuelStatus.Settled, settled.Duel.Status);
        Assert.Equal(Opponent, settled.Duel.WinnerId);
        Assert.Equal(Stranger, settled.Duel.SettledBy);
        Assert.False(DuelRules.Settle(settled.Duel, Stranger, mayModerate: true, Challenger).Changed);
    }

    [Fact]
    public void AModerator_CannotSettleAnUndisputedDuel()
    {
        Assert.False(DuelRules.Settle(Accepted(), Stranger, mayModerate: true, Challenger).Changed);
    }

    [Fact]
    public void NobodyDuelsThemselves()
    {
        Assert.NotNull(DuelRules.ChallengeRefusal(Challenger, Challenger));
        Assert.NotNull(DuelRules.ChallengeRefusal(Challenger, 0));
        Assert.Null(DuelRules.ChallengeRefusal(Challenger, Opponent));
    }
}
