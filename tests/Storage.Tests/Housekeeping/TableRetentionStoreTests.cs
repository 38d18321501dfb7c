using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Housekeeping;
using Serverless.Ports.RateLimiting;
using Serverless.Storage.Controls;
using Serverless.Storage.Housekeeping;
using Serverless.Storage.RateLimiting;
using Serverless.Storage.ScheduledPosts;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Tests.Housekeeping;

/// <summary>
/// Sweeps against a private Azurite. Rows are written through the real stores; the service stamps them with the
/// real time, so the fake clock starts at the real time and is moved past each retention.
/// </summary>
public sealed class TableRetentionStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private TableRetentionStore Store => new(azurite.Account);

    public async Task InitializeAsync()
    {
        // Tests of this class run one at a time; each starts from empty tables.
        foreach (var table in new[] { TableInteractionLedger.TableName, TableRateLimitStore.TableName, TableScheduledPostStore.PostsTable })
        {
            await azurite.Account.Tables.DeleteTableAsync(table);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task InteractionRuns_AreKeptWithinRetention_AndDeletedOnceOlder()
    {
        var ledger = new TableInteractionLedger(azurite.Account, _time);
        for (ulong id = 1; id <= 5; id++)
        {
            await ledger.MarkCompletedAsync(id, "status", CancellationToken.None);
        }

        var young = await SweepAllAsync(Store.SweepInteractionRunsAsync, _time.GetUtcNow() - Day);
        _time.Advance(Day + TimeSpan.FromMinutes(1));
        var old = await SweepAllAsync(Store.SweepInteractionRunsAsync, _time.GetUtcNow() - Day);
        var again = await SweepAllAsync(Store.SweepInteractionRunsAsync, _time.GetUtcNow() - Day);

        Assert.Equal(0, young);
        Assert.Equal(5, old);
        Assert.Equal(0, again);
        Assert.False(await ledger.IsCompletedAsync(3, CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_WorksInPagesOfTheGivenSize()
    {
        var ledger = new TableInteractionLedger(azurite.Account, _time);
        for (ulong id = 1; id <= 7; id++)
        {
            await ledger.MarkCompletedAsync(id, "status", CancellationToken.None);
        }

        _time.Advance(Day + TimeSpan.FromMinutes(1));
        var pages = new List<SweepPage>();
        string? continuation = null;
        do
        {
            var page = await Store.SweepInteractionRunsAsync(_time.GetUtcNow() - Day, 3, continuation, CancellationToken.None);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.All(pages, page => Assert.True(page.Examined <= 3));
        Assert.Equal(7, pages.Sum(page => page.Deleted));
        Assert.True(pages.Count >= 3);
    }

    [Fact]
    public async Task RateLimits_OldBucketsAndInvalidCountsGo_BucketsInUseAndRoutesStay()
    {
        var limits = new TableRateLimitStore(azurite.Account);
        var realNow = _time.GetUtcNow();
        await limits.ObserveAsync("b:old|c:1", new BucketObservation(5, 4, TimeSpan.FromSeconds(2)), realNow, CancellationToken.None);
        await limits.AddInvalidRequestsAsync(3, realNow, CancellationToken.None);
        await limits.SetBucketIdAsync("GET /channels/{id}", "abc", CancellationToken.None);

        // A bucket whose window runs at the (future) moment of the sweep is in use, however old its last write.
        _time.Advance(Day + TimeSpan.FromMinutes(1));
        await limits.ExhaustAsync("b:busy|c:2", TimeSpan.FromMinutes(5), BucketDefaults.Unknown, _time.GetUtcNow(), CancellationToken.None);
        await limits.AddInvalidRequestsAsync(1, _time.GetUtcNow(), CancellationToken.None);

        var deleted = await SweepAllAsync(Store.SweepRateLimitsAsync, _time.GetUtcNow() - Day);

        Assert.Equal(2, deleted);
        Assert.Equal(1, await limits.CountInvalidRequestsAsync(TimeSpan.FromMinutes(10), _time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await limits.CountInvalidRequestsAsync(TimeSpan.FromMinutes(10), realNow, CancellationToken.None));
        Assert.Equal("abc", await limits.GetBucketIdAsync("GET /channels/{id}", CancellationToken.None));
        var busy = await limits.ReserveAsync("b:busy|c:2", 1, BucketDefaults.Unknown, _time.GetUtcNow(), CancellationToken.None);
        Assert.Equal(0, busy.Granted);
    }

    [Fact]
    public async Task FinishedPosts_OneOffsThatEndedAndCancelledRepeatsGo_PendingAndFailedRepeatsStay()
    {
        var posts = new TableScheduledPostStore(azurite.Account);
        var once = PostRecurrence.None;
        var daily = new PostRecurrence(RecurrenceKind.Daily, null);
        await posts.CreateAsync(Post("published-once", PostStatus.Published, once), CancellationToken.None);
        await posts.CreateAsync(Post("failed-once", PostStatus.Failed, once), CancellationToken.None);
        await posts.CreateAsync(Post("cancelled-once", PostStatus.Cancelled, once), CancellationToken.None);
        await posts.CreateAsync(Post("cancelled-daily", PostStatus.Cancelled, daily), CancellationToken.None);
        await posts.CreateAsync(Post("failed-daily", PostStatus.Failed, daily), CancellationToken.None);
        await posts.CreateAsync(Post("pending-once", PostStatus.Pending, once), CancellationToken.None);
        await posts.CreateAsync(Post("processing-once", PostStatus.Processing, once), CancellationToken.None);

        var young = await SweepAllAsync(Store.SweepFinishedPostsAsync, _time.GetUtcNow() - TimeSpan.FromDays(30));
        _time.Advance(TimeSpan.FromDays(31));
        var old = await SweepAllAsync(Store.SweepFinishedPostsAsync, _time.GetUtcNow() - TimeSpan.FromDays(30));

        Assert.Equal(0, young);
        Assert.Equal(4, old);
        var left = await posts.ListAsync(7, null, CancellationToken.None);
        Assert.Equal(["failed-daily", "pending-once", "processing-once"], left.Select(post => post.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CommandLimits_BucketsIdlePastTheCutoffGo_OnesInUseStay()
    {
        var user = new LimitSubject(LimitSubjectKind.User, (ulong)Random.Shared.NextInt64(1, long.MaxValue));
        var limits = new TableCommandLimitStore(azurite.Account, _time);
        var policy = new LimitPolicy(5, TimeSpan.FromMinutes(1));
        await limits.TryTakeAsync(user, "idle", policy, _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(Day + TimeSpan.FromMinutes(1));
        await limits.TryTakeAsync(user, "busy", policy, _time.GetUtcNow(), CancellationToken.None);

        await SweepAllAsync(Store.SweepCommandLimitsAsync, _time.GetUtcNow() - Day);

        Assert.Equal("busy", Assert.Single(await limits.ReadAsync(user, CancellationToken.None)).Bucket);
    }

    [Fact]
    public async Task Sweeps_OfTablesNeverCreated_FindNothing()
    {
        Assert.Equal(new SweepPage(0, 0, null), await Store.SweepInteractionRunsAsync(_time.GetUtcNow(), 100, null, CancellationToken.None));
        Assert.Equal(new SweepPage(0, 0, null), await Store.SweepRateLimitsAsync(_time.GetUtcNow(), 100, null, CancellationToken.None));
        Assert.Equal(new SweepPage(0, 0, null), await Store.SweepFinishedPostsAsync(_time.GetUtcNow(), 100, null, CancellationToken.None));
    }

    private static async Task<int> SweepAllAsync(Func<DateTimeOffset, int, string?, CancellationToken, Task<SweepPage>> sweep, DateTimeOffset cutoff)
    {
        var deleted = 0;
        string? continuation = null;
        do
        {
            var page = await sweep(cutoff, 100, continuation, CancellationToken.None);
            deleted += page.Deleted;
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return deleted;
    }

    private ScheduledPost Post(string id, PostStatus status, PostRecurrence recurrence) => new()
    {
        Id = id,
        GuildId = 7,
        ChannelId = 8,
        Content = "hello",
        Recurrence = recurrence,
        Anchor = _time.GetUtcNow(),
        NextRunAt = null,
        Status = status,
        CreatedBy = 9,
        CreatedAt = _time.GetUtcNow(),
    };
}
