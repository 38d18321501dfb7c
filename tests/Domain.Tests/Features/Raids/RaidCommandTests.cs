using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.Raids;

/// <summary><c>/raid</c> over in-memory stores: who may start, cooldowns, replays, the end on goal or time, what is marked dirty.</summary>
public sealed class RaidCommandTests
{
    private const ulong Guild = 900;
    private const ulong Channel = 77;
    private const ulong Moderator = 100;
    private const ulong Alice = 101;
    private const ulong Bob = 102;
    private static readonly RaidOptions Settings = new() { MinDamage = 10, MaxDamage = 10 };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRaidStore _raids = new();
    private readonly InMemoryProjectionStore _projections = new();
    private readonly RecordingRefreshQueue _queue = new();
    private readonly InMemoryScheduledPostStore _zones = new();
    private ulong _nextInteraction = 5000;

    private ProjectionChanges Changes() => new(_projections, _queue, Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance);

    private GuildCalendar Calendar() => new(_zones, _time);

    private RaidCommand Command() => new(_raids, Changes(), Calendar(), Options.Create(Settings), NullLogger<RaidCommand>.Instance);

    private ValueTask<CommandReply> RunAsync(ulong user, string subcommand, Dictionary<string, string>? options = null, MemberPermissions permissions = MemberPermissions.None, ulong? interaction = null)
    {
        var all = new Dictionary<string, string>(options ?? []) { ["subcommand"] = subcommand };
        return Command().ExecuteAsync(new CommandInvocation
        {
            CommandName = RaidCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            ChannelId = Channel,
            UserId = user,
            InteractionId = interaction ?? ++_nextInteraction,
            MemberPermissions = permissions,
            Options = all,
        }, CancellationToken.None);
    }

    private async Task<Raid> StartAsync(long goal = 25, int minutes = 60)
    {
        var reply = await RunAsync(Moderator, "start", new() { ["name"] = "Dragon", ["goal"] = goal.ToString(CultureInfo.InvariantCulture), ["duration"] = minutes.ToString(CultureInfo.InvariantCulture) }, MemberPermissions.ManageMessages);
        Assert.False(reply.Ephemeral, reply.Content);
        return (await _raids.GetActiveAsync(Guild, CancellationToken.None))!;
    }

    [Fact]
    public async Task Start_TakesManageMessages_AndPlacesTheProgressInTheCommandsChannel()
    {
        var refused = await RunAsync(Alice, "start", new() { ["name"] = "Dragon", ["goal"] = "100", ["duration"] = "60" });
        Assert.True(refused.Ephemeral);
        Assert.Null(await _raids.GetActiveAsync(Guild, CancellationToken.None));

        var raid = await StartAsync();

        var placed = await _projections.GetAsync(RaidProgressRenderer.KeyFor(Guild, raid.Id), CancellationToken.None);
        Assert.Equal(Channel, placed!.ChannelId);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(1), raid.EndsAt);
    }

    [Fact]
    public async Task OneRaidAtATime_ButARedeliveredStartFindsItsRaid()
    {
        var options = new Dictionary<string, string> { ["name"] = "Dragon", ["goal"] = "100", ["duration"] = "60" };
        var first = await RunAsync(Moderator, "start", options, MemberPermissions.ManageGuild, interaction: 1);
        var again = await RunAsync(Moderator, "start", options, MemberPermissions.ManageGuild, interaction: 1);
        var second = await RunAsync(Moderator, "start", options, MemberPermissions.ManageGuild, interaction: 2);

        Assert.Equal(first, again);
        Assert.True(second.Ephemeral);
        Assert.Contains("already running", second.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADurationOutsideTheBounds_IsRefused()
    {
        var reply = await RunAsync(Moderator, "start", new() { ["name"] = "Dragon", ["goal"] = "100", ["duration"] = "2" }, MemberPermissions.ManageMessages);

        Assert.True(reply.Ephemeral);
        Assert.Contains("5 minutes to 14 days", reply.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttack_CountsForTheRaidTheMemberAndTheMonth_AndMarksProgressAndHallDirty()
    {
        var raid = await StartAsync(goal: 100);
        var placed = (await _projections.GetAsync(RaidProgressRenderer.KeyFor(Guild, raid.Id), CancellationToken.None))!.Version;

        var reply = await RunAsync(Alice, "attack");

        Assert.Contains("<@101> hit Dragon for 10 damage (10 / 100)", reply.Content, StringComparison.Ordinal);
        Assert.Equal(10, (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!.Total);
        Assert.Equal(10, (await _raids.GetMemberAsync(Guild, raid.Id, Alice, CancellationToken.None)).Damage);
        var standings = await new RaidStandingsSource(_raids).ListAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None);
        Assert.Equal([Alice], Assert.Single(standings).MemberIds);
        Assert.NotNull(await _projections.GetAsync(MonthlyStandings.KeyFor(Guild), CancellationToken.None));
        Assert.Equal(placed + 1, (await _projections.GetAsync(RaidProgressRenderer.KeyFor(Guild, raid.Id), CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task ASecondAttackWithinTheCooldown_IsAnsweredWithTheTimeLeft_AndCountsNothing()
    {
        var raid = await StartAsync(goal: 100);
        await RunAsync(Alice, "attack");
        _time.Advance(TimeSpan.FromSeconds(12));

        var early = await RunAsync(Alice, "attack");
        var other = await RunAsync(Bob, "attack");
        _time.Advance(TimeSpan.FromSeconds(18));
        var later = await RunAsync(Alice, "attack");

        Assert.True(early.Ephemeral);
        Assert.Contains("18 seconds", early.Content, StringComparison.Ordinal);
        Assert.False(other.Ephemeral);
        Assert.False(later.Ephemeral);
        Assert.Equal(30, (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!.Total);
    }

    [Fact]
    public async Task AReplayedAttack_CountsOnce_AndAnswersTheSame()
    {
        var raid = await StartAsync(goal: 100);

        var first = await RunAsync(Alice, "attack", interaction: 777);
        _time.Advance(TimeSpan.FromMinutes(5));
        var replay = await RunAsync(Alice, "attack", interaction: 777);

        Assert.Equal(first.Content, replay.Content);
        Assert.Equal(1, _raids.Attacks);
        Assert.Equal(10, (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!.Total);
        Assert.Equal(10, (await _raids.GetMonthScoreAsync(Guild, new GuildMonth(2026, 12), Alice, CancellationToken.None)).Damage);
    }

    [Fact]
    public async Task TheAttackReachingTheGoal_WinsAndEndsTheRaid()
    {
        var raid = await StartAsync(goal: 25);
        await RunAsync(Alice, "attack");
        await RunAsync(Bob, "attack");

        var winning = await RunAsync(Moderator, "attack");
        var after = await RunAsync(Alice, "attack");

        Assert.Contains("The raid is won!", winning.Content, StringComparison.Ordinal);
        var ended = (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!;
        Assert.Equal((RaidStatus.Won, 30L, (GuildMonth?)new GuildMonth(2026, 12)), (ended.Status, ended.Total, ended.EndedMonth));
        Assert.True(after.Ephemeral);
        Assert.Contains("No raid is running", after.Content, StringComparison.Ordinal);
        Assert.Equal([raid.Id], (await _raids.ListEndedAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task AnAttackAfterTheEndTime_EndsTheRaid_AndTheCloserLeavesItBe()
    {
        var raid = await StartAsync(goal: 100, minutes: 5);
        _time.Advance(TimeSpan.FromMinutes(5));

        var reply = await RunAsync(Alice, "attack");
        var closed = await new RaidCloser(_raids, Changes(), Calendar(), NullLogger<RaidCloser>.Instance).CloseOverdueAsync("c", CancellationToken.None);

        Assert.True(reply.Ephemeral);
        Assert.Contains("time ran out", reply.Content, StringComparison.Ordinal);
        Assert.Equal(0, closed);
        Assert.Equal(RaidStatus.TimeRanOut, (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task TheCloser_EndsOverdueRaidsOnce_InTheGuildMonthOfTheirEndTime()
    {
        await _zones.SetTimeZoneAsync(Guild, "Asia/Tokyo", CancellationToken.None);
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 31, 14, 0, 0, TimeSpan.Zero));
        var raid = await StartAsync(goal: 100, minutes: 30);
        var closer = new RaidCloser(_raids, Changes(), Calendar(), NullLogger<RaidCloser>.Instance);

        Assert.Equal(0, await closer.CloseOverdueAsync("c", CancellationToken.None));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await closer.CloseOverdueAsync("c", CancellationToken.None));
        Assert.Equal(0, await closer.CloseOverdueAsync("c", CancellationToken.None));

        // 14:30 UTC on 31 December is 23:30 in Tokyo: December's raid there, though the closer ran in January (Tokyo).
        var ended = (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!;
        Assert.Equal((RaidStatus.TimeRanOut, raid.EndsAt, (GuildMonth?)new GuildMonth(2026, 12)), (ended.Status, ended.EndedAt, ended.EndedMonth));
    }

    [Fact]
    public async Task Stop_TakesAModerator()
    {
        var raid = await StartAsync();

        var refused = await RunAsync(Alice, "stop");
        var stopped = await RunAsync(Moderator, "stop", permissions: MemberPermissions.ManageGuild);

        Assert.True(refused.Ephemeral);
        Assert.False(stopped.Ephemeral);
        Assert.Equal(RaidStatus.Stopped, (await _raids.GetAsync(Guild, raid.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Status_ShowsTheMembersPartAndCooldown()
    {
        await StartAsync(goal: 100);
        await RunAsync(Alice, "attack");

        var status = await RunAsync(Alice, "status");

        Assert.True(status.Ephemeral);
        Assert.Contains("You dealt 10 damage in 1 attack.", status.Content, StringComparison.Ordinal);
        Assert.Contains("Next attack in 30 seconds.", status.Content, StringComparison.Ordinal);
    }
}
