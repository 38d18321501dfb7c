using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Projections;
using Serverless.Domain.Tests.Support;

namespace Serverless.Domain.Tests.Projections;

/// <summary>Marking dirty: many changes within the window queue one refresh; a lost refresh is replaced.</summary>
public sealed class ProjectionChangesTests
{
    private static readonly ProjectionKey Key = new(123, "duels", "scoreboard");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryProjectionStore _store = new();
    private readonly RecordingRefreshQueue _queue = new();
    private readonly ProjectionOptions _options = new() { CoalesceWindow = TimeSpan.FromSeconds(2), PendingGrace = TimeSpan.FromSeconds(30) };

    private ProjectionChanges Changes() => new(_store, _queue, Microsoft.Extensions.Options.Options.Create(_options), _time, NullLogger<ProjectionChanges>.Instance);

    [Fact]
    public async Task FiftyChanges_InTheWindow_QueueOneRefresh_AndBumpTheVersionFiftyTimes()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: null, "c0", CancellationToken.None);
        _queue.Sent.Clear();
        await _store.TryWriteAsync((await _store.GetAsync(Key, CancellationToken.None))! with { RefreshPendingUntil = null }, CancellationToken.None);

        for (var i = 0; i < 50; i++)
        {
            await changes.MarkDirtyAsync(Key, "c" + i, CancellationToken.None);
            _time.Advance(TimeSpan.FromMilliseconds(40));
        }

        var (key, delay) = Assert.Single(_queue.Sent);
        Assert.Equal(Key, key);
        Assert.Equal(_options.CoalesceWindow, delay);
        Assert.Equal(51, (await _store.GetAsync(Key, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task AChangeSoonAfterAnEdit_WaitsForTheLeastIntervalBetweenEdits_NotJustTheWindow()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: null, "c0", CancellationToken.None);
        _queue.Sent.Clear();
        var shown = (await _store.GetAsync(Key, CancellationToken.None))!;
        await _store.TryWriteAsync(shown with { MessageId = 42, PublishedAt = _time.GetUtcNow(), PublishedVersion = shown.Version, RefreshPendingUntil = null }, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(1));
        await changes.MarkDirtyAsync(Key, "c1", CancellationToken.None);

        // Edited 1 s ago: the refresh waits the 4 s left of the 5 s between edits, not the 2 s window.
        Assert.Equal(TimeSpan.FromSeconds(4), Assert.Single(_queue.Sent).Delay);
    }

    [Fact]
    public async Task AChangeAfterThePendingRefreshIsOverdue_QueuesAnother()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: null, "c0", CancellationToken.None);

        await changes.MarkDirtyAsync(Key, "c1", CancellationToken.None);
        Assert.Single(_queue.Sent);

        _time.Advance(TimeSpan.FromSeconds(31));
        await changes.MarkDirtyAsync(Key, "c2", CancellationToken.None);

        Assert.Equal(2, _queue.Sent.Count);
    }

    [Fact]
    public async Task ChangesToAProjectionNobodyPlaced_OnlyCountVersions()
    {
        await Changes().MarkDirtyAsync(Key, "c1", CancellationToken.None);

        Assert.Empty(_queue.Sent);
        Assert.Equal(1, (await _store.GetAsync(Key, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task PlacingInAnotherChannel_ForgetsTheOldMessage_AndClearsABrokenState()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: 777, "c0", CancellationToken.None);
        var placed = (await _store.GetAsync(Key, CancellationToken.None))!;
        await _store.TryWriteAsync(placed with { MessageId = 42, PublishedHash = "h", BrokenReason = "gone" }, CancellationToken.None);

        await changes.PlaceAsync(Key, 666, logChannelId: null, "c1", CancellationToken.None);

        var moved = (await _store.GetAsync(Key, CancellationToken.None))!;
        Assert.Equal(666UL, moved.ChannelId);
        Assert.Null(moved.MessageId);
        Assert.Null(moved.BrokenReason);
        Assert.Equal(777UL, moved.LogChannelId);
        Assert.True(moved.Generation > placed.Generation);
    }

    [Fact]
    public async Task Rebuild_ForgetsTheHash_AndQueuesARefreshNow()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: null, "c0", CancellationToken.None);
        var placed = (await _store.GetAsync(Key, CancellationToken.None))!;
        await _store.TryWriteAsync(placed with { MessageId = 42, PublishedHash = "h", BrokenReason = "gone" }, CancellationToken.None);
        _queue.Sent.Clear();

        Assert.True(await changes.RebuildAsync(Key, "c1", CancellationToken.None));
        Assert.False(await changes.RebuildAsync(new ProjectionKey(1, "duels", "scoreboard"), "c2", CancellationToken.None));

        var rebuilt = (await _store.GetAsync(Key, CancellationToken.None))!;
        Assert.Null(rebuilt.PublishedHash);
        Assert.Null(rebuilt.BrokenReason);
        Assert.Equal(TimeSpan.Zero, Assert.Single(_queue.Sent).Delay);
    }

    [Fact]
    public async Task DirtySince_IsTheFirstChangeAfterThePublish_AndKeptWhileMoreArrive()
    {
        var changes = Changes();
        await changes.PlaceAsync(Key, 555, logChannelId: null, "c0", CancellationToken.None);
        var placed = (await _store.GetAsync(Key, CancellationToken.None))!;
        Assert.Equal(_time.GetUtcNow(), placed.DirtySince);

        // As the refresher leaves it once the message shows everything.
        await _store.TryWriteAsync(placed with { MessageId = 42, PublishedVersion = placed.Version, DirtySince = null, RefreshPendingUntil = null }, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        var firstChange = _time.GetUtcNow();
        await changes.MarkDirtyAsync(Key, "c1", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await changes.MarkDirtyAsync(Key, "c2", CancellationToken.None);

        var dirty = (await _store.GetAsync(Key, CancellationToken.None))!;
        Assert.Equal(firstChange, dirty.DirtySince);
        Assert.False(dirty.IsCurrent);
    }
}
