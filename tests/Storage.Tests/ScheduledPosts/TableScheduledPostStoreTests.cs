using System.Collections.Concurrent;
using Azure.Data.Tables;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Storage.Tests.ScheduledPosts;

/// <summary>The scheduled-post tables against a private Azurite: claims, completions, failures, operator actions.</summary>
public sealed class TableScheduledPostStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static long s_guild = 800000000000000000;

    // Times with sub-millisecond ticks on purpose: the index must find its rows again exactly.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    [Fact]
    public async Task Claim_TakesDuePostsOnly_AndEnqueuesOnePerPost()
    {
        var (store, guild) = NewStore();
        var due = await CreateAsync(store, guild, "due", Now.AddMinutes(-1));
        await CreateAsync(store, guild, "later", Now.AddMinutes(5));

        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        Assert.Equal(due.Id, claim.PostId);
        Assert.Equal(due.NextRunAt, claim.Due);
        Assert.Equal(1, claim.Attempt);
        await store.MarkProcessingAsync(claim, CancellationToken.None);
        Assert.Equal(PostStatus.Processing, (await store.GetAsync(guild, due.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Claim_WhileLeased_IsSkipped_AndAfterTheLeaseIsTakenAgain()
    {
        var (store, guild) = NewStore();
        await CreateAsync(store, guild, "leased", Now.AddMinutes(-1));
        Assert.Single(await ClaimAsync(store, Now, guild));

        Assert.Empty(await ClaimAsync(store, Now.AddMinutes(1), guild));
        var again = Assert.Single(await ClaimAsync(store, Now + Lease + TimeSpan.FromSeconds(1), guild));
        Assert.Equal(2, again.Attempt);
    }

    [Fact]
    public async Task ManyRunsAtOnce_ClaimEachOccurrenceOnce()
    {
        var (_, guild) = NewStore();
        var seed = new TableScheduledPostStore(azurite.Account);
        for (var i = 0; i < 30; i++)
        {
            await CreateAsync(seed, guild, "race" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Now.AddSeconds(-i));
        }

        // Four instances, each with its own store object, run the timer at the same moment.
        var claims = new ConcurrentBag<PostClaim>();
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new TableScheduledPostStore(azurite.Account).ClaimDueAsync(Now, Lease, (claim, _) => { claims.Add(claim); return Task.CompletedTask; }, CancellationToken.None)));

        var ours = claims.Where(c => c.GuildId == guild).ToList();
        Assert.Equal(30, ours.Count);
        Assert.Equal(30, ours.Select(c => c.PostId).Distinct().Count());
    }

    [Fact]
    public async Task Complete_OneOff_MarksPublished_AndLeavesNoIndexRow()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "oneoff", Now.AddMinutes(-1));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));

        await store.CompleteAsync(claim, claim.Due, 555, nextRunAt: null, CancellationToken.None);

        var stored = (await store.GetAsync(guild, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Published, stored.Status);
        Assert.Equal(555UL, stored.LastMessageId);
        Assert.Equal(claim.Due, stored.LastPublishedOccurrence);
        Assert.Empty(await DueRowsAsync(guild));
        Assert.Empty(await ClaimAsync(store, Now + Lease + Lease, guild));
    }

    [Fact]
    public async Task Complete_Recurring_SchedulesTheNextOccurrence()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "daily", Now.AddMinutes(-1), new PostRecurrence(RecurrenceKind.Daily));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        var next = claim.Due.AddDays(1);

        await store.CompleteAsync(claim, claim.Due, 556, next, CancellationToken.None);

        var stored = (await store.GetAsync(guild, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Pending, stored.Status);
        Assert.Equal(next, stored.NextRunAt);
        Assert.Single(await DueRowsAsync(guild));
        var nextClaim = Assert.Single(await ClaimAsync(store, next.AddSeconds(1), guild));
        Assert.Equal(next, nextClaim.Due);
        Assert.Equal(1, nextClaim.Attempt);
    }

    [Fact]
    public async Task Fail_WithRetry_BacksOffThroughTheLease_WithoutRetry_MarksFailed_AndRequeueBringsItBack()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "flaky", Now.AddMinutes(-1));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));

        await store.FailAsync(claim, "Discord answered 502", Now.AddSeconds(30), CancellationToken.None);
        Assert.Empty(await ClaimAsync(store, Now.AddSeconds(29), guild));
        var retry = Assert.Single(await ClaimAsync(store, Now.AddSeconds(31), guild));
        Assert.Equal(2, retry.Attempt);

        await store.FailAsync(retry, "Missing permissions (50013)", retryAt: null, CancellationToken.None);
        var failed = (await store.GetAsync(guild, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Failed, failed.Status);
        Assert.Equal("Missing permissions (50013)", failed.LastError);
        Assert.Equal(2, failed.Attempts);
        Assert.Empty(await DueRowsAsync(guild));
        Assert.Contains(await store.ListAsync(null, [PostStatus.Failed], CancellationToken.None), listed => listed.Id == post.Id);

        Assert.True(await store.RequeueAsync(guild, post.Id, Now.AddMinutes(5), CancellationToken.None));
        var requeued = Assert.Single(await ClaimAsync(store, Now.AddMinutes(5), guild));
        Assert.Equal(post.NextRunAt, requeued.Due);
        Assert.Equal(1, requeued.Attempt);
        Assert.Equal(0, (await store.GetAsync(guild, post.Id, CancellationToken.None))!.Attempts);
    }

    [Fact]
    public async Task Cancel_RemovesThePendingOccurrence_AndTwiceIsRefused()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "cancel", Now.AddMinutes(10));

        Assert.True(await store.CancelAsync(guild, post.Id, CancellationToken.None));
        Assert.False(await store.CancelAsync(guild, post.Id, CancellationToken.None));
        Assert.False(await store.CancelAsync(guild, "nosuchpost", CancellationToken.None));
        Assert.Empty(await DueRowsAsync(guild));
        Assert.Equal(PostStatus.Cancelled, (await store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);
        Assert.False(await store.RequeueAsync(guild, post.Id, Now, CancellationToken.None));
    }

    [Fact]
    public async Task List_IsPerGuild_AndTimeZoneIsStoredPerGuild()
    {
        var (store, guild) = NewStore();
        await CreateAsync(store, guild, "a", Now.AddMinutes(1));
        await CreateAsync(store, guild, "b", Now.AddMinutes(2));
        await CreateAsync(store, guild + 1, "c", Now.AddMinutes(3));

        Assert.Equal(["a", "b"], (await store.ListAsync(guild, null, CancellationToken.None)).Select(p => p.Id).Order());
        Assert.Null(await store.GetTimeZoneAsync(guild, CancellationToken.None));
        await store.SetTimeZoneAsync(guild, "Europe/Paris", CancellationToken.None);
        Assert.Equal("Europe/Paris", await store.GetTimeZoneAsync(guild, CancellationToken.None));
        Assert.Null(await store.GetTimeZoneAsync(guild + 1, CancellationToken.None));
    }

    [Fact]
    public async Task Create_TheSamePostAgain_StoresNothing_EvenAfterItWasPublished()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "twice", Now.AddMinutes(-1));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        await store.CompleteAsync(claim, claim.Due, 42, nextRunAt: null, CancellationToken.None);

        Assert.False(await store.CreateAsync(post, CancellationToken.None));

        Assert.Equal(PostStatus.Published, (await store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);
        Assert.Empty(await ClaimAsync(store, Now.AddHours(1), guild));
    }

    [Fact]
    public async Task ListPage_ReadsAtMostOnePageInIdOrder_AfterTheGivenId()
    {
        var (store, guild) = NewStore();
        foreach (var id in new[] { "eeee", "aaaa", "cccc", "bbbb", "dddd" })
        {
            await CreateAsync(store, guild, id, Now.AddHours(1));
        }

        var first = await store.ListPageAsync(guild, afterId: null, count: 2, CancellationToken.None);
        var next = await store.ListPageAsync(guild, afterId: "bbbb", count: 2, CancellationToken.None);
        var last = await store.ListPageAsync(guild, afterId: "dddd", count: 2, CancellationToken.None);

        Assert.Equal(["aaaa", "bbbb"], first.Select(post => post.Id));
        Assert.Equal(["cccc", "dddd"], next.Select(post => post.Id));
        Assert.Equal(["eeee"], last.Select(post => post.Id));
        Assert.All(first, post => Assert.Equal(guild, post.GuildId));
    }

    [Fact]
    public async Task CountActive_CountsUnfinishedPostsOfTheGuild_UpToTheLimit()
    {
        var (store, guild) = NewStore();
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(store, guild, "active" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Now.AddHours(1));
        }

        await CreateAsync(store, guild, "gone", Now.AddHours(1));
        Assert.True(await store.CancelAsync(guild, "gone", CancellationToken.None));
        await CreateAsync(store, guild + 1, "elsewhere", Now.AddHours(1));

        Assert.Equal(4, await store.CountActiveAsync(guild, upTo: 25, CancellationToken.None));
        Assert.Equal(3, await store.CountActiveAsync(guild, upTo: 3, CancellationToken.None));
    }

    private (TableScheduledPostStore Store, ulong Guild) NewStore() =>
        (new TableScheduledPostStore(azurite.Account), (ulong)Interlocked.Add(ref s_guild, 10));

    private static async Task<ScheduledPost> CreateAsync(TableScheduledPostStore store, ulong guild, string id, DateTimeOffset due, PostRecurrence? recurrence = null)
    {
        var post = new ScheduledPost
        {
            Id = id,
            GuildId = guild,
            ChannelId = 900,
            Content = "hello\nworld",
            Recurrence = recurrence ?? PostRecurrence.None,
            Anchor = due,
            NextRunAt = due,
            CreatedBy = 7,
            CreatedAt = Now,
        };
        await store.CreateAsync(post, CancellationToken.None);
        return post;
    }

    /// <summary>One timer run; only <paramref name="guild"/>'s claims are returned (the table holds other tests' posts too).</summary>
    private static async Task<List<PostClaim>> ClaimAsync(TableScheduledPostStore store, DateTimeOffset now, ulong guild)
    {
        var claims = new ConcurrentBag<PostClaim>();
        await store.ClaimDueAsync(now, Lease, (claim, _) => { claims.Add(claim); return Task.CompletedTask; }, CancellationToken.None);
        return [.. claims.Where(claim => claim.GuildId == guild)];
    }

    private async Task<List<TableEntity>> DueRowsAsync(ulong guild)
    {
        var table = azurite.Account.Tables.GetTableClient(TableScheduledPostStore.DueTable);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"GuildId eq {guild.ToString(System.Globalization.CultureInfo.InvariantCulture)}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}
