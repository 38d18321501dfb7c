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
        Assert.True((await store.BeginSendAsync(claim, claim.Due, Now, CancellationToken.None)).MaySend);
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
        Assert.Equal(1, again.Attempt);
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
    public async Task Reclaims_AfterTheLeaseRanOut_AreTheSameAttempt_OnlyFailuresCount()
    {
        var (store, guild) = NewStore();
        await CreateAsync(store, guild, "slow", Now.AddMinutes(-1));
        var at = Now;
        for (var claim = 0; claim < 4; claim++)
        {
            Assert.Equal(1, Assert.Single(await ClaimAsync(store, at, guild)).Attempt);
            at += Lease + TimeSpan.FromSeconds(1);
        }

        var last = Assert.Single(await ClaimAsync(store, at, guild));
        await store.FailAsync(last, "Discord answered 502", at.AddSeconds(30), CancellationToken.None);

        Assert.Equal(2, Assert.Single(await ClaimAsync(store, at.AddSeconds(31), guild)).Attempt);
        Assert.Equal(1, (await store.GetAsync(guild, "slow", CancellationToken.None))!.Attempts);
    }

    [Fact]
    public async Task Fail_AfterTheUserCancelled_LeavesTheCancel_AndRequeueLeavesItAlone()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "gone", Now.AddMinutes(-1));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        Assert.True(await store.CancelAsync(guild, post.Id, CancellationToken.None));

        await store.FailAsync(claim, "cancelled or deleted before publishing", retryAt: null, CancellationToken.None);
        await store.FailAsync(claim, "Discord answered 502", Now.AddSeconds(30), CancellationToken.None);

        Assert.Equal(PostStatus.Cancelled, (await store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);
        Assert.DoesNotContain(await store.ListAsync(guild, [PostStatus.Failed, PostStatus.Pending], CancellationToken.None), listed => listed.Id == post.Id);
        Assert.False(await store.RequeueAsync(guild, post.Id, Now, CancellationToken.None));
        Assert.Empty(await DueRowsAsync(guild));
    }

    [Fact]
    public async Task Complete_AfterTheUserCancelled_RecordsTheMessage_ButSchedulesNothing()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "daily-cancelled", Now.AddMinutes(-1), new PostRecurrence(RecurrenceKind.Daily));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        Assert.True(await store.CancelAsync(guild, post.Id, CancellationToken.None));

        await store.CompleteAsync(claim, claim.Due, 557, claim.Due.AddDays(1), CancellationToken.None);

        var stored = (await store.GetAsync(guild, post.Id, CancellationToken.None))!;
        Assert.Equal(PostStatus.Cancelled, stored.Status);
        Assert.Equal(557UL, stored.LastMessageId);
        Assert.Empty(await DueRowsAsync(guild));
    }

    [Fact]
    public async Task BeginSend_AfterTheUserCancelled_IsRefused_AndDropsTheClaim()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "late-cancel", Now.AddMinutes(-1), new PostRecurrence(RecurrenceKind.Daily));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        Assert.True(await store.CancelAsync(guild, post.Id, CancellationToken.None));

        Assert.False((await store.BeginSendAsync(claim, claim.Due, Now, CancellationToken.None)).MaySend);

        Assert.Equal(PostStatus.Cancelled, (await store.GetAsync(guild, post.Id, CancellationToken.None))!.Status);
        Assert.Empty(await DueRowsAsync(guild));
    }

    [Fact]
    public async Task AnUnrecordedSend_IsHandedToTheNextTry_SurvivesRequeue_AndIsClearedByCompletion()
    {
        var (store, guild) = NewStore();
        var post = await CreateAsync(store, guild, "unknown", Now.AddMinutes(-1));
        var claim = Assert.Single(await ClaimAsync(store, Now, guild));
        var first = await store.BeginSendAsync(claim, claim.Due, Now, CancellationToken.None);
        Assert.Null(first.Earlier);

        // The publisher died after sending: an operator requeues the post stuck in processing.
        Assert.True(await store.RequeueAsync(guild, post.Id, Now.AddHours(1), CancellationToken.None));
        var requeued = Assert.Single(await ClaimAsync(store, Now.AddHours(1), guild));
        var second = await store.BeginSendAsync(requeued, requeued.Due, Now.AddHours(1), CancellationToken.None);

        Assert.True(second.MaySend);
        Assert.Equal(new UnconfirmedSend(claim.Due, Now, Now), second.Earlier);
        Assert.Equal(new UnconfirmedSend(claim.Due, Now, Now.AddHours(1)), (await store.GetAsync(guild, post.Id, CancellationToken.None))!.UnconfirmedSend);
        await store.CompleteAsync(requeued, requeued.Due, 558, nextRunAt: null, CancellationToken.None);
        Assert.Null((await store.GetAsync(guild, post.Id, CancellationToken.None))!.UnconfirmedSend);
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
