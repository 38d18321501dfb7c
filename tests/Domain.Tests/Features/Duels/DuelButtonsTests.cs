using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.Duels;

/// <summary><c>/duel</c> and its buttons over in-memory stores: who may click what, ratings, and the scoreboard marked dirty.</summary>
public sealed class DuelButtonsTests
{
    private const ulong Guild = 900;
    private const ulong Alice = 101;
    private const ulong Bob = 102;
    private const ulong Moderator = 103;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryDuelStore _duels = new();
    private readonly InMemoryProjectionStore _projections = new();
    private readonly RecordingRefreshQueue _queue = new();

    private ProjectionChanges Changes() => new(_projections, _queue, Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance);

    private DuelCommand Command() => new(_duels, Changes(), Options.Create(new DuelOptions()), _time);

    private DuelButtons Buttons() => new(_duels, Changes(), new GuildCalendar(new InMemoryScheduledPostStore(), _time), _time, NullLogger<DuelButtons>.Instance);

    private async Task<string> ChallengeAsync(ulong interactionId = 5000)
    {
        var reply = await Command().ExecuteAsync(new CommandInvocation
        {
            CommandName = DuelCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = Alice,
            InteractionId = interactionId,
            Options = new Dictionary<string, string> { ["subcommand"] = "challenge", ["member"] = Bob.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, CancellationToken.None);
        Assert.False(reply.Ephemeral);
        Assert.Equal(["Accept", "Decline"], reply.Buttons!.Select(button => button.Label));
        return reply.Buttons![0].CustomId.Split(':')[2];
    }

    private ValueTask<CommandReply> ClickAsync(ulong user, string action, string duelId, MemberPermissions permissions = MemberPermissions.None) =>
        Buttons().ExecuteAsync(new CommandInvocation
        {
            CommandName = DuelCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = user,
            MemberPermissions = permissions,
            Options = new Dictionary<string, string> { [InteractionRoute.ComponentOption] = $"duel:{action}:{duelId}" },
        }, CancellationToken.None);

    [Fact]
    public async Task AgreedReports_UpdateBothRatings_AndMarkTheScoreboard()
    {
        var id = await ChallengeAsync();
        Assert.True((await ClickAsync(Alice, "accept", id)).Ephemeral);
        var accepted = await ClickAsync(Bob, "accept", id);
        Assert.Equal(["I won", "I lost"], accepted.Buttons!.Select(button => button.Label));

        await ClickAsync(Alice, "won", id);
        var settled = await ClickAsync(Bob, "lost", id);

        Assert.False(settled.Ephemeral);
        Assert.Empty(settled.Buttons!);
        Assert.Contains("+16", settled.Content, StringComparison.Ordinal);
        var ratings = await _duels.ListRatingsAsync(Guild, CancellationToken.None);
        Assert.Contains(ratings, rating => rating is { UserId: Alice, Rating: 1016, Wins: 1, Losses: 0 });
        Assert.Contains(ratings, rating => rating is { UserId: Bob, Rating: 984, Wins: 0, Losses: 1 });
        Assert.Equal(1, (await _projections.GetAsync(DuelScoreboardRenderer.KeyFor(Guild), CancellationToken.None))!.Version);

        // The win counts in the guild's month for the hall's duelists, and the hall's standings are marked.
        var month = await new DuelStandingsSource(_duels).ListAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None);
        Assert.Equal(new MonthlyStanding([Alice], 1), Assert.Single(month), new StandingComparer());
        Assert.Equal(1, (await _projections.GetAsync(MonthlyStandings.KeyFor(Guild), CancellationToken.None))!.Version);
    }

    private sealed class StandingComparer : IEqualityComparer<MonthlyStanding>
    {
        public bool Equals(MonthlyStanding? x, MonthlyStanding? y) => x!.Score == y!.Score && x.MemberIds.SequenceEqual(y.MemberIds);

        public int GetHashCode(MonthlyStanding obj) => obj.Score.GetHashCode();
    }

    [Fact]
    public async Task AReplayedReport_ChangesNoRating()
    {
        var id = await ChallengeAsync();
        await ClickAsync(Bob, "accept", id);
        await ClickAsync(Alice, "won", id);
        await ClickAsync(Bob, "lost", id);

        var replay = await ClickAsync(Bob, "lost", id);

        Assert.True(replay.Ephemeral);
        Assert.Contains(await _duels.ListRatingsAsync(Guild, CancellationToken.None), rating => rating is { UserId: Alice, Rating: 1016, Wins: 1 });
    }

    [Fact]
    public async Task ADispute_IsSettledOnlyByAModerator()
    {
        var id = await ChallengeAsync();
        await ClickAsync(Bob, "accept", id);
        await ClickAsync(Alice, "won", id);
        var disputed = await ClickAsync(Bob, "won", id);
        Assert.Equal(2, disputed.Buttons!.Count);

        Assert.True((await ClickAsync(Alice, "settle-c", id)).Ephemeral);
        Assert.Empty(await _duels.ListRatingsAsync(Guild, CancellationToken.None));

        var settled = await ClickAsync(Moderator, "settle-o", id, MemberPermissions.ManageMessages);

        Assert.False(settled.Ephemeral);
        Assert.Contains(await _duels.ListRatingsAsync(Guild, CancellationToken.None), rating => rating is { UserId: Bob, Rating: 1016 });
    }

    [Fact]
    public async Task ARedeliveredChallenge_FindsItsDuel_InsteadOfMakingASecond()
    {
        var first = await ChallengeAsync(interactionId: 7000);
        var second = await ChallengeAsync(interactionId: 7000);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task PlacingTheScoreboard_TakesManageServer()
    {
        var invocation = new CommandInvocation
        {
            CommandName = DuelCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            UserId = Alice,
            MemberPermissions = MemberPermissions.ManageMessages,
            Options = new Dictionary<string, string> { ["subcommand"] = "scoreboard", ["channel"] = "4242" },
        };

        Assert.True((await Command().ExecuteAsync(invocation, CancellationToken.None)).Ephemeral);
        Assert.Empty(_queue.Sent);

        var placed = await Command().ExecuteAsync(invocation with { MemberPermissions = MemberPermissions.ManageGuild }, CancellationToken.None);

        Assert.False(placed.Ephemeral);
        Assert.Equal(4242UL, (await _projections.GetAsync(DuelScoreboardRenderer.KeyFor(Guild), CancellationToken.None))!.ChannelId);
        Assert.Single(_queue.Sent);
    }

    [Fact]
    public void TheScoreboard_RanksByRating_AndDependsOnTheRatingsAlone()
    {
        PlayerRating[] ratings = [new(Guild, Bob, 984, 0, 1), new(Guild, Alice, 1016, 1, 0)];

        var content = DuelScoreboard.Render(ratings);

        Assert.Equal(content.Hash, DuelScoreboard.Render(ratings.Reverse()).Hash);
        Assert.True(content.Text.IndexOf("<@101>", StringComparison.Ordinal) < content.Text.IndexOf("<@102>", StringComparison.Ordinal));
        Assert.Contains("1016 (1W 0L)", content.Text, StringComparison.Ordinal);
    }
}
