using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Pairs;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.Pairs;

/// <summary>
/// <c>/pair</c> and its buttons over in-memory stores: invites, who may click, check-ins on the guild's local days
/// (across DST and a zone change), replays counted once, the monthly score and the projections marked dirty.
/// </summary>
public sealed class PairFlowTests
{
    private const ulong Guild = 900;
    private const ulong Ann = 101;
    private const ulong Ben = 102;
    private const ulong Cat = 103;
    private const ulong Channel = 555;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryPairStore _pairs = new();
    private readonly InMemoryScheduledPostStore _settings = new();
    private readonly InMemoryProjectionStore _projections = new();
    private readonly RecordingRefreshQueue _queue = new();
    private ulong _sequence;

    private ProjectionChanges Changes() => new(_projections, _queue, Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance);

    private PairCheckIns CheckIns() => new(_pairs, new GuildCalendar(_settings, _time), Changes(), NullLogger<PairCheckIns>.Instance);

    private PairCommand Command() => new(_pairs, CheckIns(), Changes(), Options.Create(new PairOptions()), _time, NullLogger<PairCommand>.Instance);

    private PairButtons Buttons() => new(_pairs, CheckIns(), Changes(), _time, NullLogger<PairButtons>.Instance);

    /// <summary>An interaction id made at the clock's now, as Discord's are.</summary>
    private ulong NextInteractionId() => Snowflake.AtTime(_time.GetUtcNow()) + ++_sequence;

    private ValueTask<CommandReply> RunAsync(ulong user, string subcommand, ulong? member = null, ulong? interactionId = null)
    {
        var options = new Dictionary<string, string> { ["subcommand"] = subcommand };
        if (member is { } id)
        {
            options["member"] = id.ToString(CultureInfo.InvariantCulture);
        }

        return Command().ExecuteAsync(new CommandInvocation
        {
            CommandName = PairCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            ChannelId = Channel,
            UserId = user,
            InteractionId = interactionId ?? NextInteractionId(),
            Options = options,
        }, CancellationToken.None);
    }

    private ValueTask<CommandReply> ClickAsync(ulong user, string customId, ulong? interactionId = null) =>
        Buttons().ExecuteAsync(new CommandInvocation
        {
            CommandName = PairCommand.Name,
            CorrelationId = "c",
            GuildId = Guild,
            ChannelId = Channel,
            UserId = user,
            InteractionId = interactionId ?? NextInteractionId(),
            Options = new Dictionary<string, string> { [InteractionRoute.ComponentOption] = customId },
        }, CancellationToken.None);

    private async Task<string> FormAsync(ulong inviter = Ann, ulong invitee = Ben)
    {
        var invite = await RunAsync(inviter, "invite", invitee);
        Assert.Equal(["Accept", "Decline"], invite.Buttons!.Select(button => button.Label));
        var accepted = await ClickAsync(invitee, invite.Buttons![0].CustomId);
        Assert.False(accepted.Ephemeral);
        Assert.Contains("are now a pair", accepted.Content, StringComparison.Ordinal);
        Assert.Empty(accepted.Buttons!);
        return invite.Buttons![0].CustomId.Split(':')[2];
    }

    private async Task<Pair> PairAsync(string id) => (await _pairs.GetAsync(Guild, id, CancellationToken.None))!;

    [Fact]
    public async Task Accepting_FormsThePair_AndPlacesItsPanelInTheChannel()
    {
        var id = await FormAsync();
        var panel = await _projections.GetAsync(PairText.HomeKey(Guild, id), CancellationToken.None);
        Assert.Equal(Channel, panel!.ChannelId);
        Assert.Equal($"pairs/home:{id}/{Guild}", panel.Key.ToString());
        Assert.Equal(PairStatus.Active, (await PairAsync(id)).Status);
    }

    [Fact]
    public async Task OnlyTheInvitedMember_MayAnswer()
    {
        var invite = await RunAsync(Ann, "invite", Ben);
        var refused = await ClickAsync(Cat, invite.Buttons![0].CustomId);
        Assert.True(refused.Ephemeral);
        Assert.Contains("Only the invited member", refused.Content, StringComparison.Ordinal);
        Assert.True((await ClickAsync(Ann, invite.Buttons![0].CustomId)).Ephemeral);
    }

    [Fact]
    public async Task AReplayedInvite_FindsItsPair_InsteadOfRefusingOrMakingASecond()
    {
        var id = NextInteractionId();
        var first = await RunAsync(Ann, "invite", Ben, id);
        var again = await RunAsync(Ann, "invite", Ben, id);
        Assert.Equal(first.Content, again.Content);
        Assert.False(again.Ephemeral);
    }

    [Fact]
    public async Task AMemberIsInOnePairAtATime()
    {
        await FormAsync();
        var refused = await RunAsync(Cat, "invite", Ann);
        Assert.True(refused.Ephemeral);
        Assert.Contains("already in a pair", refused.Content, StringComparison.Ordinal);
        Assert.Contains("already in a pair", (await RunAsync(Ben, "invite", Cat)).Content, StringComparison.Ordinal);
        Assert.Contains("yourself", (await RunAsync(Cat, "invite", Cat)).Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothCheckingIn_CountsTheDay_TheMonth_AndMarksPanelAndHall()
    {
        var id = await FormAsync();
        var first = await RunAsync(Ann, "checkin");
        Assert.True(first.Ephemeral);
        Assert.Contains("counts once", first.Content, StringComparison.Ordinal);

        var second = await ClickAsync(Ben, PairText.CustomId(PairText.CheckIn, id));
        Assert.Contains("streak 1", second.Content, StringComparison.Ordinal);

        var pair = await PairAsync(id);
        Assert.Equal((1, 1, 1), (pair.CurrentStreak, pair.BestStreak, pair.TotalDays));
        var month = await _pairs.ListMonthAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None);
        Assert.Equal(1, Assert.Single(month).Days);
        var standings = await new PairStandingsSource(_pairs).ListAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None);
        Assert.Equal(new ulong[] { Ann, Ben }, Assert.Single(standings).MemberIds);
        Assert.NotNull(await _projections.GetAsync(MonthlyStandings.KeyFor(Guild), CancellationToken.None));
        Assert.True((await _projections.GetAsync(PairText.HomeKey(Guild, id), CancellationToken.None))!.Version >= 3);
    }

    [Fact]
    public async Task AReplayedCheckIn_CountsOnce_EvenWhenRedeliveredAfterMidnight()
    {
        var id = await FormAsync();
        await RunAsync(Ann, "checkin");
        var benCheckIn = NextInteractionId();
        await RunAsync(Ben, "checkin", interactionId: benCheckIn);

        // The queue delivers Ben's check-in again the next day: it still belongs to the day it was made on.
        _time.Advance(TimeSpan.FromDays(1));
        var replay = await RunAsync(Ben, "checkin", interactionId: benCheckIn);
        Assert.Contains("already checked in", replay.Content, StringComparison.Ordinal);
        Assert.Equal(1, (await PairAsync(id)).TotalDays);
        Assert.Equal(1, Assert.Single(await _pairs.ListMonthAsync(Guild, new GuildMonth(2026, 12), CancellationToken.None)).Days);
    }

    [Fact]
    public async Task ThePanelButton_IsForThePairsMembersOnly()
    {
        var id = await FormAsync();
        var refused = await ClickAsync(Cat, PairText.CustomId(PairText.CheckIn, id));
        Assert.True(refused.Ephemeral);
        Assert.Contains("another pair", refused.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Europe/Paris", 2027, 3, 28)]
    [InlineData("Europe/Paris", 2027, 10, 31)]
    [InlineData("America/New_York", 2027, 3, 14)]
    [InlineData("America/New_York", 2027, 11, 7)]
    public async Task ADstDay_IsOneDay_NeitherBreakingNorDoubleCounting(string zoneName, int year, int month, int day)
    {
        await _settings.SetTimeZoneAsync(Guild, zoneName, CancellationToken.None);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        var id = await FormAsync();
        var dstDay = new DateOnly(year, month, day);

        // Late on the day before, then late on the DST day (23 or 25 hours later), then early the day after.
        foreach (var (date, time) in new[] { (dstDay.AddDays(-1), new TimeOnly(23, 30)), (dstDay, new TimeOnly(23, 30)), (dstDay.AddDays(1), new TimeOnly(0, 30)) })
        {
            _time.SetUtcNow(GuildCalendar.StartOf(date, zone) + time.ToTimeSpan() - (date == dstDay ? Shift(zone, dstDay) : TimeSpan.Zero));
            Assert.Equal(date, GuildCalendar.LocalDate(_time.GetUtcNow(), zone));
            await RunAsync(Ann, "checkin");
            await RunAsync(Ben, "checkin");
            var repeat = await RunAsync(Ann, "checkin");
            Assert.Contains("already checked in", repeat.Content, StringComparison.Ordinal);
        }

        var pair = await PairAsync(id);
        Assert.Equal((3, 3, dstDay.AddDays(1)), (pair.CurrentStreak, pair.TotalDays, pair.LastCountedDay!.Value));
    }

    /// <summary>How much the DST day's clocks moved by 23:30 (StartOf + 23:30 of elapsed time lands an hour off otherwise).</summary>
    private static TimeSpan Shift(TimeZoneInfo zone, DateOnly day) =>
        zone.GetUtcOffset(day.ToDateTime(new TimeOnly(23, 0))) - zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue));

    [Fact]
    public async Task AZoneChange_NeitherBreaksNorDoubleCountsADay()
    {
        var id = await FormAsync();

        // 2026-12-05 22:00 UTC: both check in on Dec 5 in UTC.
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.Zero));
        await RunAsync(Ann, "checkin");
        await RunAsync(Ben, "checkin");

        // The guild moves to Tokyo, where it is already Dec 6: a new day, the streak goes on.
        await _settings.SetTimeZoneAsync(Guild, "Asia/Tokyo", CancellationToken.None);
        await RunAsync(Ann, "checkin");
        await RunAsync(Ben, "checkin");
        Assert.Equal(2, (await PairAsync(id)).CurrentStreak);

        // And back to Honolulu, where it is still Dec 5: no second count of a day already checked.
        await _settings.SetTimeZoneAsync(Guild, "Pacific/Honolulu", CancellationToken.None);
        Assert.Contains("already checked in", (await RunAsync(Ann, "checkin")).Content, StringComparison.Ordinal);
        var pair = await PairAsync(id);
        Assert.Equal((2, 2), (pair.CurrentStreak, pair.TotalDays));
    }

    [Fact]
    public async Task Leaving_EndsThePair_KeepsItsHistory_AndFreesBothMembers()
    {
        var id = await FormAsync();
        await RunAsync(Ann, "checkin");
        await RunAsync(Ben, "checkin");
        var left = await RunAsync(Ben, "leave");
        Assert.Contains("left your pair", left.Content, StringComparison.Ordinal);

        var pair = await PairAsync(id);
        Assert.Equal((PairStatus.Ended, 1), (pair.Status, pair.TotalDays));
        Assert.Contains("not in a pair", (await RunAsync(Ann, "checkin")).Content, StringComparison.Ordinal);
        Assert.Contains("not in a pair", (await RunAsync(Ann, "leave")).Content, StringComparison.Ordinal);
        Assert.DoesNotContain("already", (await RunAsync(Ann, "invite", Cat)).Content, StringComparison.Ordinal);
        Assert.Contains("has ended", PairHomeRenderer.Render(pair).Text, StringComparison.Ordinal);
        Assert.Empty(PairHomeRenderer.Render(pair).Buttons);
    }
}
