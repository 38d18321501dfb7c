using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Features.Hall;

/// <summary>The hall's setup, its standings and archive text, and the archiver's decisions.</summary>
public sealed class HallTests
{
    private const ulong Guild = 900;
    private static readonly GuildMonth December = new(2026, 12);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryHallStore _halls = new();
    private readonly InMemoryProjectionStore _projections = new();
    private readonly InMemoryScheduledPostStore _zones = new();

    private HallCommand Command() => new(
        _halls,
        new ProjectionChanges(_projections, new RecordingRefreshQueue(), Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance),
        new GuildCalendar(_zones, _time),
        NullLogger<HallCommand>.Instance);

    private ValueTask<CommandReply> SetupAsync(ulong channel, MemberPermissions permissions) => Command().ExecuteAsync(new CommandInvocation
    {
        CommandName = HallCommand.Name,
        CorrelationId = "c",
        GuildId = Guild,
        UserId = 1,
        MemberPermissions = permissions,
        Options = new Dictionary<string, string> { ["subcommand"] = "setup", ["channel"] = channel.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    }, CancellationToken.None);

    [Fact]
    public async Task Setup_TakesManageServer_ShowsTheGuildsCurrentMonth_AndPlacesTheStandings()
    {
        await _zones.SetTimeZoneAsync(Guild, "Pacific/Kiritimati", CancellationToken.None);
        _time.SetUtcNow(new DateTimeOffset(2026, 12, 31, 11, 0, 0, TimeSpan.Zero));

        var refused = await SetupAsync(5, MemberPermissions.ManageMessages);
        Assert.True(refused.Ephemeral);
        Assert.Null(await _halls.GetAsync(Guild, CancellationToken.None));

        var reply = await SetupAsync(5, MemberPermissions.ManageGuild);

        // 11:00 UTC on 31 December is already 1 January in Kiritimati (UTC+14).
        Assert.False(reply.Ephemeral);
        Assert.Equal(December.Next, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
        Assert.Equal(5UL, (await _projections.GetAsync(MonthlyStandings.KeyFor(Guild), CancellationToken.None))!.ChannelId);
    }

    [Fact]
    public async Task MovingTheHall_KeepsItsMonth_SoADueArchiveIsNotSkipped()
    {
        await SetupAsync(5, MemberPermissions.ManageGuild);
        _time.SetUtcNow(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero));

        await SetupAsync(6, MemberPermissions.Administrator);

        Assert.Equal((6UL, December), ((await _halls.GetAsync(Guild, CancellationToken.None))!.ChannelId, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth));
    }

    [Fact]
    public void TheArchiveIsDue_OnlyOnceTheGuildsMonthHasMovedPast_InItsZone()
    {
        var kathmandu = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu");
        var hall = new HallState(Guild, 5, December);
        var start = December.Next.StartUtc(kathmandu);

        Assert.Null(HallArchivePolicy.DueMonth(hall, start - TimeSpan.FromSeconds(1), kathmandu));
        Assert.Equal(December, HallArchivePolicy.DueMonth(hall, start, kathmandu));
        Assert.Null(HallArchivePolicy.DueMonth(hall, start, TimeZoneInfo.Utc));
        Assert.Null(HallArchivePolicy.DueMonth(hall with { ShownMonth = December.Next }, start, kathmandu));
    }

    [Fact]
    public void AClaim_IsTakenOnlyWhenFreeOrRunOut()
    {
        var now = _time.GetUtcNow();
        var claimed = new HallArchive(Guild, December, HallArchiveStatus.Claimed) { ClaimedUntil = now + TimeSpan.FromMinutes(2) };

        Assert.True(HallArchivePolicy.MayClaim(null, now));
        Assert.False(HallArchivePolicy.MayClaim(claimed, now));
        Assert.True(HallArchivePolicy.MayClaim(claimed, now + TimeSpan.FromMinutes(2)));
        Assert.False(HallArchivePolicy.MayClaim(claimed with { Status = HallArchiveStatus.Posted }, now + TimeSpan.FromDays(1)));
        Assert.False(HallArchivePolicy.MayClaim(claimed with { Status = HallArchiveStatus.Quiet }, now + TimeSpan.FromDays(1)));
    }

    [Fact]
    public void TheNonce_IsStablePerMonth_AndWithinDiscordsLimit()
    {
        var nonce = HallArchivePolicy.Nonce(ulong.MaxValue, December, 999_999);

        Assert.True(nonce.Length <= 25, nonce);
        Assert.Equal(HallArchivePolicy.Nonce(Guild, December, 0), HallArchivePolicy.Nonce(Guild, December, 0));
        Assert.NotEqual(HallArchivePolicy.Nonce(Guild, December, 0), HallArchivePolicy.Nonce(Guild, December.Next, 0));
        Assert.NotEqual(HallArchivePolicy.Nonce(Guild, December, 0), HallArchivePolicy.Nonce(Guild, December, 1));
    }

    [Fact]
    public void TheArchive_NamesTheTopThreeOfEachSource_AndTheRaids()
    {
        var raid = new Raid
        {
            GuildId = Guild, Id = "1", Name = "@everyone Dragon", Goal = 100, Total = 120, ChannelId = 5, StartedBy = 1,
            StartedAt = _time.GetUtcNow(), EndsAt = _time.GetUtcNow(), Status = RaidStatus.Won, EndedMonth = December,
        };
        var month = new HallMonth(
            December,
            [
                new HallSection("duelists", "Top duelists", "wins", HallBoard.Ranked([new([11], 2), new([12], 5)])),
                new HallSection("raiders", "Top raiders", "damage", HallBoard.Ranked([.. Enumerable.Range(1, 6).Select(i => new MonthlyStanding([(ulong)(20 + i)], i * 100))])),
                new HallSection("pairs", "Top pairs", "check-ins", []),
            ],
            [raid]);

        var text = HallBoard.Archive(month);

        Assert.StartsWith("**🏆 Hall of fame — December 2026**", text, StringComparison.Ordinal);
        Assert.Contains("🥇 <@12> — 5 wins", text, StringComparison.Ordinal);
        Assert.Contains("🥇 <@26> — 600 damage", text, StringComparison.Ordinal);
        Assert.Contains("🥉 <@24> — 400 damage", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@23>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Top pairs", text, StringComparison.Ordinal);
        Assert.Contains("won: @\u200beveryone Dragon — 120 / 100", text, StringComparison.Ordinal);
        Assert.DoesNotContain("@everyone", text, StringComparison.Ordinal);
        Assert.False(month.IsQuiet);
    }

    [Fact]
    public void TheStandings_ShowTheMonthTheHallShows_AndAQuietMonthSaysSo()
    {
        var quiet = new HallMonth(December, [new HallSection("duelists", "Top duelists", "wins", [])], []);

        Assert.True(quiet.IsQuiet);
        Assert.Contains("Hall — December 2026", HallBoard.Standings(quiet).Text, StringComparison.Ordinal);
        Assert.Contains("Nothing yet this month", HallBoard.Standings(quiet).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyPairsWithLongScores_StayWithinDiscordsLimit()
    {
        var sections = Enumerable.Range(0, 40).Select(i => new HallSection(
            $"c{i}", new string('T', 80), new string('u', 40),
            [.. Enumerable.Range(0, 10).Select(j => new MonthlyStanding([ulong.MaxValue - (ulong)j, ulong.MaxValue - (ulong)j - 1], long.MaxValue - j))]));
        var month = new HallMonth(December, [.. sections], []);

        Assert.True(HallBoard.Archive(month).Length <= 2000);
        Assert.True(HallBoard.Standings(month).Text.Length <= 2000);
    }
}
