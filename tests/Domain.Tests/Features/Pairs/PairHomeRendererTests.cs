using Serverless.Domain.Features.Pairs;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Tests.Features.Pairs;

/// <summary>The pair's panel: what it shows, and that it stays within Discord's limits whatever the state.</summary>
public sealed class PairHomeRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ThePanel_ShowsMembersStreakAsOfItsDay_BestTotal_RecentAndTheButton()
    {
        var pair = PairRules.Accept(PairRules.Invite(9, "77", ulong.MaxValue, ulong.MaxValue - 1, Now, TimeSpan.FromHours(1)), ulong.MaxValue - 1, Now).Pair with
        {
            CurrentStreak = 12,
            BestStreak = 40,
            TotalDays = 99_999,
            LastCountedDay = new DateOnly(2026, 12, 4),
            Recent = [.. Enumerable.Range(0, Pair.RecentKept).Select(offset => new PairCheckIn(ulong.MaxValue, new DateOnly(2026, 12, 4).AddDays(-offset)))],
        };

        var content = PairHomeRenderer.Render(pair);
        Assert.Contains($"<@{ulong.MaxValue}> & <@{ulong.MaxValue - 1}>", content.Text, StringComparison.Ordinal);
        Assert.Contains("Streak: 12 days (as of 2026-12-04)", content.Text, StringComparison.Ordinal);
        Assert.Contains("Best streak: 40", content.Text, StringComparison.Ordinal);
        Assert.Contains("Days together: 99999", content.Text, StringComparison.Ordinal);
        Assert.Contains("• 2026-11-29", content.Text, StringComparison.Ordinal);
        Assert.True(content.Text.Length < ProjectionContent.MaxLength);
        var button = Assert.Single(content.Buttons);
        Assert.Equal(("pair:checkin:77", "Check in"), (button.CustomId, button.Label));
    }

    [Fact]
    public void ANewPair_SaysHowADayCounts()
    {
        var pair = PairRules.Accept(PairRules.Invite(9, "77", 1, 2, Now, TimeSpan.FromHours(1)), 2, Now).Pair;
        Assert.Contains("a day counts when both of you check in", PairHomeRenderer.Render(pair).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomIds_RoundTrip_AndOthersAreNotOurs()
    {
        Assert.True(PairText.TryParse(PairText.CustomId(PairText.Accept, "123"), out var action, out var id));
        Assert.Equal((PairText.Accept, "123"), (action, id));
        Assert.False(PairText.TryParse("pair:accept:12a", out _, out _));
        Assert.False(PairText.TryParse("duel:accept:12", out _, out _));
        Assert.False(PairText.TryParse("pair:accept", out _, out _));
    }
}
