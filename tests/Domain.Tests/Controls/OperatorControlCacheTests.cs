using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.TestSupport;

namespace Serverless.Domain.Tests.Controls;

public sealed class OperatorControlCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedControlStore _store = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task ServesTheLoadedSnapshot_WithoutAStoreCallPerRequest_UntilTheIntervalPasses()
    {
        var first = Snapshot("first");
        _store.Snapshot = first;
        var cache = Cache();

        Assert.Same(first, await cache.GetAsync(CancellationToken.None));
        var second = Snapshot("second");
        _store.Snapshot = second;
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Same(first, await cache.GetAsync(CancellationToken.None));
        Assert.Equal(1, _store.Loads);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(second, await cache.GetAsync(CancellationToken.None));
        Assert.Equal(2, _store.Loads);
    }

    [Fact]
    public async Task AFailedReload_KeepsTheLastSnapshot_LogsAWarning_AndWaitsAnIntervalBeforeTrying()
    {
        var first = Snapshot("first");
        _store.Snapshot = first;
        var cache = Cache();
        await cache.GetAsync(CancellationToken.None);

        _store.Throw = new InvalidOperationException("storage down");
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Same(first, await cache.GetAsync(CancellationToken.None));
        Assert.Same(first, await cache.GetAsync(CancellationToken.None));
        Assert.Equal(2, _store.Loads);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2402 && entry.Level == LogLevel.Warning);

        _store.Throw = null;
        _store.Snapshot = Snapshot("back");
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Same(_store.Snapshot, await cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AFailedFirstLoad_ServesNoControls_AndLogs()
    {
        _store.Throw = new InvalidOperationException("storage down");

        Assert.Same(OperatorControlSnapshot.Empty, await Cache().GetAsync(CancellationToken.None));
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 2403);
    }

    [Fact]
    public async Task ASlowFirstLoad_IsWaitedOnOnlyUntilTheLoadTimeout()
    {
        _store.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = Cache();

        var first = cache.GetAsync(CancellationToken.None).AsTask();
        var second = cache.GetAsync(CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(OperatorControlSnapshot.Empty, await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(OperatorControlSnapshot.Empty, await second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, _store.Loads);
    }

    [Fact]
    public async Task OneReloadAtATime_OthersGetTheCurrentSnapshotAtOnce()
    {
        var first = Snapshot("first");
        _store.Snapshot = first;
        var cache = Cache();
        await cache.GetAsync(CancellationToken.None);

        _store.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.Snapshot = Snapshot("second");
        _time.Advance(TimeSpan.FromSeconds(15));
        var reloading = cache.GetAsync(CancellationToken.None).AsTask();

        var other = cache.GetAsync(CancellationToken.None).AsTask();
        Assert.True(other.IsCompletedSuccessfully);
        Assert.Same(first, await other);
        Assert.Equal(2, _store.Loads);

        _store.Hold.SetResult();
        Assert.Same(_store.Snapshot, await reloading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(_store.Snapshot, await cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public void Options_RefuseAnIntervalOver30Seconds_NamingTheKey()
    {
        var validator = new ControlsOptionsValidator();

        var failure = Assert.Single(validator.Validate(null, new ControlsOptions { RefreshInterval = TimeSpan.FromSeconds(31) }).Failures ?? []);
        Assert.StartsWith("Controls__RefreshInterval", failure, StringComparison.Ordinal);
        Assert.False(validator.Validate(null, new ControlsOptions { RefreshInterval = TimeSpan.Zero }).Succeeded);
        Assert.True(validator.Validate(null, new ControlsOptions()).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(15), new ControlsOptions().RefreshInterval);
    }

    private OperatorControlCache Cache() => new(
        _store,
        Options.Create(new ControlsOptions()),
        _time,
        new ForwardingLogger<OperatorControlCache>(_logs.CreateLogger(nameof(OperatorControlCache))));

    private static OperatorControlSnapshot Snapshot(string reason) => new(
        [new KillSwitch { Target = ControlTarget.Feature("music"), Reason = reason, SetBy = "ops:test", SetAt = DateTimeOffset.UnixEpoch }],
        [],
        []);
}
