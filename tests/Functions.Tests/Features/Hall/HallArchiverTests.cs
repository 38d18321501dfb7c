using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Credentials;
using Serverless.Domain;
using Serverless.Discord.Rest;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;
using Serverless.Functions.Features.Hall;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Features.Hall;

/// <summary>The month-end archive over in-memory stores and a canned Discord: once, only when due, quiet months post nothing.</summary>
public sealed class HallArchiverTests
{
    private const ulong Guild = 900;
    private const ulong Channel = 5;
    private static readonly GuildMonth December = new(2026, 12);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 31, 20, 0, 0, TimeSpan.Zero));
    private readonly HallStore _halls = new();
    private readonly FixedSource _source = new();
    private readonly CannedDiscordHandler _discord = new();
    private readonly InMemoryScheduledPostStore _zones = new();

    public HallArchiverTests()
    {
        _discord.Answer("POST", $"/channels/{Channel}/messages", HttpStatusCode.OK, """{"id":"4242","channel_id":"5","content":"x","author":{"id":"1"}}""");
        _discord.Answer("GET", "/users/@me", HttpStatusCode.OK, """{"id":"1","username":"bot"}""");
        _discord.Answer("GET", $"/channels/{Channel}/messages", HttpStatusCode.OK, "[]");
        _halls.TryWriteAsync(new HallState(Guild, Channel, December), CancellationToken.None).GetAwaiter().GetResult();
    }

    private HallArchiver Archiver() => new(
        _halls,
        new HallMonths([_source], new NoRaids()),
        new GuildCalendar(_zones, _time),
        new ProjectionChanges(new ProjectionStore(), new NoQueue(), Options.Create(new ProjectionOptions()), _time, NullLogger<ProjectionChanges>.Instance),
        new DiscordRestClient(new HttpClient(_discord) { BaseAddress = new Uri("https://discord.test/api/v10/") }, new DiscordCredentials("test-token")),
        Options.Create(new HallArchiverOptions()),
        NullLogger<HallArchiver>.Instance);

    private int Posts => _discord.Requests.Count(request => request.Method == HttpMethod.Post);

    [Fact]
    public async Task BeforeTheGuildsMonthEnds_NothingHappens()
    {
        await _zones.SetTimeZoneAsync(Guild, "America/Los_Angeles", CancellationToken.None);
        _time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 7, 59, 0, TimeSpan.Zero));

        await Archiver().RunAsync(CancellationToken.None);

        Assert.Equal(0, Posts);
        Assert.Equal(December, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
    }

    [Fact]
    public async Task TheEndedMonth_IsPostedOnce_WithANonce_AndTheStandingsMoveOn()
    {
        _source.Standings = [new MonthlyStanding([7], 300)];
        _time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero));

        var first = await Archiver().RunAsync(CancellationToken.None);
        var second = await Archiver().RunAsync(CancellationToken.None);

        Assert.Equal((Functions.Hosting.QueueWorkResult.Completed, Functions.Hosting.QueueWorkResult.Completed), (first.Result, second.Result));
        var post = Assert.Single(_discord.Requests, request => request.Method == HttpMethod.Post);
        using var json = System.Text.Json.JsonDocument.Parse(post.Body!);
        var content = json.RootElement.GetProperty("content").GetString();
        Assert.Contains("Hall of fame — December 2026", content, StringComparison.Ordinal);
        Assert.Contains("<@7> — 300 damage", content, StringComparison.Ordinal);
        Assert.Contains($"\"nonce\":\"{HallArchivePolicy.Nonce(Guild, December, 0)}\"", post.Body, StringComparison.Ordinal);
        Assert.Contains("\"enforce_nonce\":true", post.Body, StringComparison.Ordinal);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[]}", post.Body, StringComparison.Ordinal);
        var archive = (await _halls.GetArchiveAsync(Guild, December, CancellationToken.None))!;
        Assert.Equal((HallArchiveStatus.Posted, (ulong?)4242), (archive.Status, archive.MessageId));
        Assert.Equal(December.Next, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
    }

    [Fact]
    public async Task AQuietMonth_PostsNothing_ButTheStandingsMoveOn()
    {
        _time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero));

        await Archiver().RunAsync(CancellationToken.None);

        Assert.Equal(0, Posts);
        Assert.Equal(HallArchiveStatus.Quiet, (await _halls.GetArchiveAsync(Guild, December, CancellationToken.None))!.Status);
        Assert.Equal(December.Next, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
    }

    [Fact]
    public async Task AMonthAnotherRunIsPosting_IsLeftToIt()
    {
        _source.Standings = [new MonthlyStanding([7], 300)];
        _time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero));
        await _halls.TryWriteArchiveAsync(new HallArchive(Guild, December, HallArchiveStatus.Claimed) { ChannelId = Channel, ClaimedUntil = _time.GetUtcNow() + TimeSpan.FromMinutes(1), FirstClaimedAt = _time.GetUtcNow() }, CancellationToken.None);

        await Archiver().RunAsync(CancellationToken.None);

        Assert.Equal(0, Posts);
        Assert.Equal(December, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
    }

    [Fact]
    public async Task ARunThatDiedAfterPosting_IsFinishedWithoutASecondPost()
    {
        _source.Standings = [new MonthlyStanding([7], 300)];
        var claimedAt = new DateTimeOffset(2027, 1, 1, 0, 15, 0, TimeSpan.Zero);
        _time.SetUtcNow(claimedAt + TimeSpan.FromMinutes(15));
        await _halls.TryWriteArchiveAsync(new HallArchive(Guild, December, HallArchiveStatus.Claimed) { ChannelId = Channel, ClaimedUntil = claimedAt + TimeSpan.FromMinutes(2), FirstClaimedAt = claimedAt }, CancellationToken.None);
        var earlier = Snowflake.AtTime(claimedAt + TimeSpan.FromSeconds(1)).ToString(CultureInfo.InvariantCulture);
        _discord.Answer("GET", $"/channels/{Channel}/messages", HttpStatusCode.OK, $$$"""[{"id":"{{{earlier}}}","channel_id":"5","content":"**🏆 Hall of fame — December 2026**\n…","author":{"id":"1"}}]""");

        await Archiver().RunAsync(CancellationToken.None);

        Assert.Equal(0, Posts);
        Assert.Equal(ulong.Parse(earlier, CultureInfo.InvariantCulture), (await _halls.GetArchiveAsync(Guild, December, CancellationToken.None))!.MessageId);
        Assert.Equal(December.Next, (await _halls.GetAsync(Guild, CancellationToken.None))!.ShownMonth);
    }

    private sealed class FixedSource : IMonthlyStandingsSource
    {
        public IReadOnlyList<MonthlyStanding> Standings { get; set; } = [];

        public string Category => "raiders";

        public string Title => "Top raiders";

        public string Unit => "damage";

        public Task<IReadOnlyList<MonthlyStanding>> ListAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
            Task.FromResult(month == December ? Standings : []);
    }

    private sealed class NoRaids : IRaidStore
    {
        public Task<IReadOnlyList<Raid>> ListEndedAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Raid>>([]);

        public Task<Raid?> GetAsync(ulong guildId, string raidId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Raid?> GetActiveAsync(ulong guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> TryStartAsync(Raid raid, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RaidAttack?> GetAttackAsync(ulong guildId, ulong interactionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RaidMember> GetMemberAsync(ulong guildId, string raidId, ulong userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RaiderMonthScore> GetMonthScoreAsync(ulong guildId, GuildMonth month, ulong userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> TryRecordAttackAsync(Raid raid, RaidAttack attack, RaidMember member, RaiderMonthScore score, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> TryEndAsync(Raid ended, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RaidMember>> ListMembersAsync(ulong guildId, string raidId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RaiderMonthScore>> ListMonthScoresAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<Raid>> ListOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class HallStore : IHallStore
    {
        private readonly Dictionary<ulong, HallState> _halls = [];
        private readonly Dictionary<(ulong, GuildMonth), HallArchive> _archives = [];
        private int _etag;

        public Task<HallState?> GetAsync(ulong guildId, CancellationToken cancellationToken) => Task.FromResult(_halls.GetValueOrDefault(guildId));

        public Task<bool> TryWriteAsync(HallState hall, CancellationToken cancellationToken)
        {
            var ok = _halls.GetValueOrDefault(hall.GuildId)?.ETag == hall.ETag;
            if (ok)
            {
                _halls[hall.GuildId] = hall with { ETag = Next() };
            }

            return Task.FromResult(ok);
        }

        public Task<IReadOnlyList<HallState>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HallState>>([.. _halls.Values]);

        public Task<HallArchive?> GetArchiveAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) => Task.FromResult(_archives.GetValueOrDefault((guildId, month)));

        public Task<bool> TryWriteArchiveAsync(HallArchive archive, CancellationToken cancellationToken)
        {
            var ok = _archives.GetValueOrDefault((archive.GuildId, archive.Month))?.ETag == archive.ETag;
            if (ok)
            {
                _archives[(archive.GuildId, archive.Month)] = archive with { ETag = Next() };
            }

            return Task.FromResult(ok);
        }

        private string Next() => (++_etag).ToString(CultureInfo.InvariantCulture);
    }

    private sealed class ProjectionStore : IProjectionStore
    {
        private readonly Dictionary<string, ProjectionState> _rows = [];

        public Task<ProjectionState?> GetAsync(ProjectionKey key, CancellationToken cancellationToken) => Task.FromResult(_rows.GetValueOrDefault(key.ToString()));

        public Task<IReadOnlyList<ProjectionState>> ListAsync(ulong? guildId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ProjectionState>>([.. _rows.Values]);

        public Task<bool> TryWriteAsync(ProjectionState state, CancellationToken cancellationToken)
        {
            _rows[state.Key.ToString()] = state with { ETag = Guid.NewGuid().ToString() };
            return Task.FromResult(true);
        }
    }

    private sealed class NoQueue : IProjectionRefreshQueue
    {
        public Task EnqueueAsync(ProjectionKey key, TimeSpan delay, string correlationId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
