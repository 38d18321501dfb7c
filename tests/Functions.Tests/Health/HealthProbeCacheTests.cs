using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Features.Health;

namespace Serverless.Functions.Tests.Health;

public sealed class HealthProbeCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly GatedProbes _probes = new();

    [Fact]
    public async Task ConcurrentCallers_ShareOneProbeInFlight()
    {
        var cache = Cache();

        var callers = Enumerable.Range(0, 50).Select(_ => cache.GetAsync(CancellationToken.None)).ToList();
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        _probes.Release();
        var snapshots = await Task.WhenAll(callers);

        Assert.Equal(1, _probes.DiscordCalls);
        Assert.Equal(1, _probes.StorageCalls);
        Assert.Equal(1, _probes.CompanionCalls);
        Assert.All(snapshots, snapshot => Assert.Same(snapshots[0], snapshot));
    }

    [Fact]
    public async Task Snapshot_IsReusedUntilTheCacheDurationEnds()
    {
        var cache = Cache();
        _probes.Release();

        await cache.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        await cache.GetAsync(CancellationToken.None);
        Assert.Equal(1, _probes.DiscordCalls);

        _time.Advance(TimeSpan.FromSeconds(1));
        await cache.GetAsync(CancellationToken.None);
        Assert.Equal(2, _probes.DiscordCalls);
    }

    [Fact]
    public async Task CallerGivingUp_DoesNotCancelTheProbeOthersWaitFor()
    {
        var cache = Cache();
        using var impatient = new CancellationTokenSource();

        var first = cache.GetAsync(impatient.Token);
        var second = cache.GetAsync(CancellationToken.None);
        await impatient.CancelAsync();
        _probes.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(DependencyState.Ok, (await second).Discord.State);
        Assert.Equal(1, _probes.DiscordCalls);
    }

    [Fact]
    public async Task FailedProbe_IsNotCached()
    {
        var cache = Cache();
        _probes.FailNext = true;
        _probes.Release();

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(CancellationToken.None));
        var snapshot = await cache.GetAsync(CancellationToken.None);

        Assert.Equal(DependencyState.Ok, snapshot.Discord.State);
        Assert.Equal(2, _probes.DiscordCalls);
    }

    private HealthProbeCache Cache() => new(_probes, _probes, _probes, Options.Create(new HealthOptions()), _time, NullLogger<HealthProbeCache>.Instance);

    private sealed class GatedProbes : IStorageStatusProbe, IDiscordStatusProbe, ICompanionStatusProbe
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _storage;
        private int _discord;
        private int _companion;

        public bool FailNext { get; set; }

        public int StorageCalls => Volatile.Read(ref _storage);

        public int DiscordCalls => Volatile.Read(ref _discord);

        public int CompanionCalls => Volatile.Read(ref _companion);

        public void Release() => _gate.TrySetResult();

        async Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _storage);
            await _gate.Task;
            return new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(2), []);
        }

        async Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _discord);
            await _gate.Task;
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("probe broke");
            }

            return new DiscordStatus(DependencyState.Ok, "bot");
        }

        async Task<CompanionStatus> ICompanionStatusProbe.CheckAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _companion);
            await _gate.Task;
            return CompanionStatus.Evaluate(null, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(90));
        }
    }
}
