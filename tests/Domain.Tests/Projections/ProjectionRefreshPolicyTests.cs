using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Tests.Projections;

public sealed class ProjectionRefreshPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProjectionOptions Options = new() { EditRefusedRetries = 2, EditRefusedBackoff = TimeSpan.FromSeconds(30) };

    [Fact]
    public void AChange_QueuesARefresh_OnlyWhenNoneIsPendingOrThePendingOneIsOverdue()
    {
        Assert.True(ProjectionRefreshPolicy.ShouldEnqueue(null, Now));
        Assert.False(ProjectionRefreshPolicy.ShouldEnqueue(Now.AddSeconds(1), Now));
        Assert.True(ProjectionRefreshPolicy.ShouldEnqueue(Now, Now));
        Assert.True(ProjectionRefreshPolicy.ShouldEnqueue(Now.AddSeconds(-5), Now));
    }

    [Fact]
    public void APendingRefresh_CountsAsLost_OnlyAfterItsDelayAndTheGrace()
    {
        var options = new ProjectionOptions { PendingGrace = TimeSpan.FromSeconds(30) };

        Assert.Equal(Now.AddSeconds(32), ProjectionRefreshPolicy.PendingUntil(Now, TimeSpan.FromSeconds(2), options));
    }

    [Theory]
    [InlineData(10008, 404, RefusalAction.Recreate)]
    [InlineData(10003, 404, RefusalAction.Break)]
    [InlineData(50001, 403, RefusalAction.Break)]
    [InlineData(50013, 403, RefusalAction.Break)]
    [InlineData(null, 404, RefusalAction.Recreate)]
    [InlineData(null, 403, RefusalAction.Break)]
    [InlineData(50035, 400, RefusalAction.Retry)]
    public void DiscordsRefusals_MapToWhatTheRefresherDoes(int? code, int status, RefusalAction expected)
    {
        Assert.Equal(expected, ProjectionRefreshPolicy.OnRefused(code, status, editRefusals: 0, Options));
    }

    [Fact]
    public void EditsLimited_BackOff_UntilTheRetriesAreUsed_ThenRepost()
    {
        Assert.Equal(RefusalAction.BackOff, ProjectionRefreshPolicy.OnRefused(30046, 400, editRefusals: 0, Options));
        Assert.Equal(RefusalAction.BackOff, ProjectionRefreshPolicy.OnRefused(30046, 400, editRefusals: 1, Options));
        Assert.Equal(RefusalAction.Repost, ProjectionRefreshPolicy.OnRefused(30046, 400, editRefusals: 2, Options));
        Assert.Equal(RefusalAction.Repost, ProjectionRefreshPolicy.OnRefused(30046, 400, editRefusals: 0, new ProjectionOptions { EditRefusedRetries = 0 }));
    }

    [Fact]
    public void TheBackOff_Doubles_AndStopsAtTenMinutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ProjectionRefreshPolicy.EditBackoff(1, Options));
        Assert.Equal(TimeSpan.FromSeconds(60), ProjectionRefreshPolicy.EditBackoff(2, Options));
        Assert.Equal(TimeSpan.FromMinutes(10), ProjectionRefreshPolicy.EditBackoff(9, Options));
    }

    [Fact]
    public void TheNonce_FitsDiscordsLimit_AndDiffersPerGenerationAndProjection()
    {
        var key = new ProjectionKey(123, "duels", "scoreboard");
        var nonce = ProjectionRefreshPolicy.Nonce(key, 1);

        Assert.InRange(nonce.Length, 1, 25);
        Assert.Equal(nonce, ProjectionRefreshPolicy.Nonce(key, 1));
        Assert.NotEqual(nonce, ProjectionRefreshPolicy.Nonce(key, 2));
        Assert.NotEqual(nonce, ProjectionRefreshPolicy.Nonce(new ProjectionKey(124, "duels", "scoreboard"), 1));
    }

    [Theory]
    [InlineData("duels/scoreboard/123", true)]
    [InlineData("raids/progress:42/123", true)]
    [InlineData("duels/scoreboard", false)]
    [InlineData("duels/Score/123", false)]
    [InlineData("duels/scoreboard/0", false)]
    [InlineData("duels/scoreboard/x", false)]
    public void AKey_RoundTripsThroughItsText(string text, bool valid)
    {
        Assert.Equal(valid, ProjectionKey.TryParse(text, out var key));
        if (valid)
        {
            Assert.Equal(text, key!.ToString());
        }
    }

    [Fact]
    public void Content_IsCutToDiscordsLimit_AndHashedByText()
    {
        var long1 = new ProjectionContent(new string('a', 2500));

        Assert.Equal(ProjectionContent.MaxLength, long1.Text.Length);
        Assert.Equal(new ProjectionContent("x").Hash, new ProjectionContent("x").Hash);
        Assert.NotEqual(new ProjectionContent("x").Hash, new ProjectionContent("y").Hash);
    }

    [Fact]
    public void Content_HashCoversItsButtons()
    {
        var answer = new ReplyButton("oracle:answer:1", "Answer");

        Assert.Equal(new ProjectionContent("x", [answer]).Hash, new ProjectionContent("x", [answer]).Hash);
        Assert.NotEqual(new ProjectionContent("x").Hash, new ProjectionContent("x", [answer]).Hash);
        Assert.NotEqual(new ProjectionContent("x", [answer]).Hash, new ProjectionContent("x", [answer with { Label = "Answered" }]).Hash);
        Assert.Throws<ArgumentException>(() => new ProjectionContent("x", [.. Enumerable.Repeat(answer, 26)]));
    }

    [Fact]
    public void RefreshDelay_IsTheWindow_OrWhatIsLeftOfTheLeastIntervalBetweenEdits()
    {
        var options = new ProjectionOptions { CoalesceWindow = TimeSpan.FromSeconds(2), MinEditInterval = TimeSpan.FromSeconds(5) };
        var now = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(2), ProjectionRefreshPolicy.RefreshDelay(now, publishedAt: null, options));
        Assert.Equal(TimeSpan.FromSeconds(2), ProjectionRefreshPolicy.RefreshDelay(now, now.AddSeconds(-10), options));
        Assert.Equal(TimeSpan.FromSeconds(4), ProjectionRefreshPolicy.RefreshDelay(now, now.AddSeconds(-1), options));
        Assert.Equal(TimeSpan.Zero, ProjectionRefreshPolicy.EditWait(now, now.AddSeconds(-5), options));
        Assert.Equal(TimeSpan.FromSeconds(3), ProjectionRefreshPolicy.EditWait(now, now.AddSeconds(-2), options));
    }
}
