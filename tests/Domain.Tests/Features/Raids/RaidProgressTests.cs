using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Tests.Features.Raids;

public sealed class RaidProgressTests
{
    [Theory]
    [InlineData(0, 100, "░░░░░░░░░░░░░░░░░░░░", 0)]
    [InlineData(50, 100, "██████████░░░░░░░░░░", 50)]
    [InlineData(99, 100, "███████████████████░", 99)]
    [InlineData(100, 100, "████████████████████", 100)]
    [InlineData(250, 100, "████████████████████", 100)]
    public void TheBar_AndPercent_FollowTheTotal_AndStopAtTheGoal(long total, long goal, string bar, long percent)
    {
        Assert.Equal(bar, RaidProgress.Bar(total, goal));
        Assert.Equal(percent, RaidProgress.Percent(total, goal));
    }

    [Fact]
    public void AnActiveRaid_ShowsItsEndAsARelativeTimestamp_AndTheTopTenContributors()
    {
        var raid = RaidRulesTests.Start(goal: 10_000) with { Total = 4_321 };
        var members = Enumerable.Range(1, 12).Select(i => new RaidMember(1, raid.Id, (ulong)i, i * 10, 1, null)).ToList();

        var text = RaidProgress.Render(raid, members).Text;

        Assert.Contains($"<t:{raid.EndsAt.ToUnixTimeSeconds()}:R>", text, StringComparison.Ordinal);
        Assert.Contains("4,321 / 10,000 (43%)", text, StringComparison.Ordinal);
        Assert.Contains("1. <@12> — 120 (1 attack)", text, StringComparison.Ordinal);
        Assert.Contains("10. <@3> — 30", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@2>", text, StringComparison.Ordinal);
        Assert.Contains("…and 2 more.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RaidStatus.Won, "Won")]
    [InlineData(RaidStatus.TimeRanOut, "Time ran out")]
    [InlineData(RaidStatus.Stopped, "Stopped")]
    public void AnEndedRaid_SaysHowItEnded(RaidStatus status, string outcome)
    {
        var raid = RaidRulesTests.Start(goal: 100) with { Status = status, EndedAt = RaidRulesTests.Start(1).EndsAt, EndedMonth = new GuildMonth(2026, 12) };

        var text = RaidProgress.Render(raid, []).Text;

        Assert.Contains(outcome, text, StringComparison.Ordinal);
        Assert.DoesNotContain("/raid attack", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ANameMentioningEveryone_CannotPing_AndTheMessageStaysWithinDiscordsLimit()
    {
        var raid = RaidRulesTests.Start(goal: long.MaxValue / 200) with { Name = "@everyone " + new string('x', 500) };
        var members = Enumerable.Range(1, 500).Select(i => new RaidMember(1, raid.Id, ulong.MaxValue - (ulong)i, long.MaxValue / 1000, int.MaxValue, null));

        var text = RaidProgress.Render(raid, members).Text;

        Assert.DoesNotContain("@everyone", text, StringComparison.Ordinal);
        Assert.True(text.Length <= ProjectionContent.MaxLength, $"{text.Length} characters");
    }

    [Fact]
    public void TheSameState_RendersTheSameContent()
    {
        var raid = RaidRulesTests.Start(goal: 100);
        RaidMember[] members = [new(1, raid.Id, 2, 10, 1, null), new(1, raid.Id, 1, 10, 1, null)];

        Assert.Equal(RaidProgress.Render(raid, members).Hash, RaidProgress.Render(raid, members.Reverse()).Hash);
    }
}
