using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.Leadership;
using Serverless.Ports.Sessions;

namespace Serverless.Companion.Tests.Leadership;

public sealed class CompanionLeadershipTests : IDisposable
{
    private static readonly CompanionLeaseOptions Options = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCompanionLeaseStore _store = new();
    private readonly List<NodeParts> _nodes = [];

    [Fact]
    public async Task FreeLease_IsTaken_AndTheActiveWorkStarts()
    {
        var node = Node("a");

        var wait = await node.Leadership.StepAsync(CancellationToken.None);

        Assert.Equal(Options.RenewInterval, wait);
        Assert.Equal(CompanionRole.Active, node.State.Role);
        Assert.True(node.Service.IsRunning);
        Assert.Equal("a", _store.Current!.Holder);
        Assert.Equal(_time.GetUtcNow() + Options.Duration, _store.Current.ExpiresAt);
    }

    [Fact]
    public async Task WhileAnotherHoldsTheLease_ItStaysStandby_StartsNothing_AndShowsTheHolder()
    {
        var active = Node("a");
        var standby = Node("b");
        await active.Leadership.StepAsync(CancellationToken.None);

        var wait = await standby.Leadership.StepAsync(CancellationToken.None);

        Assert.Equal(Options.PollInterval, wait);
        Assert.Equal(CompanionRole.Standby, standby.State.Role);
        Assert.False(standby.Service.IsRunning);
        Assert.Equal("a", standby.State.Lease!.Holder);
    }

    [Fact]
    public async Task Renewals_KeepTheLease_PastItsFirstExpiry()
    {
        var node = Node("a");
        await node.Leadership.StepAsync(CancellationToken.None);

        for (var renewal = 0; renewal < 6; renewal++)
        {
            _time.Advance(Options.RenewInterval);
            Assert.Equal(Options.RenewInterval, await node.Leadership.StepAsync(CancellationToken.None));
        }

        Assert.Equal(CompanionRole.Active, node.State.Role);
        Assert.True(node.Service.IsRunning);
        Assert.Equal(_time.GetUtcNow() + Options.Duration, _store.Current!.ExpiresAt);
    }

    [Fact]
    public async Task LeaseTakenByAnother_StopsTheActiveWorkAtOnce_AndStopsTheProcess()
    {
        var node = Node("a");
        await node.Leadership.StepAsync(CancellationToken.None);
        _time.Advance(Options.RenewInterval);
        _store.Put(new CompanionLease("b", _time.GetUtcNow(), _time.GetUtcNow() + Options.Duration));

        var wait = await node.Leadership.StepAsync(CancellationToken.None);

        Assert.Equal(Timeout.InfiniteTimeSpan, wait);
        Assert.False(node.Service.IsRunning);
        Assert.Equal(CompanionRole.Lost, node.State.Role);
        Assert.True(node.Lifetime.StopRequested);
        Assert.Equal("b", _store.Current!.Holder);
    }

    [Fact]
    public async Task RenewalsFailing_StopTheActiveWorkBeforeTheLeaseExpires_SoNoStandbyOverlapsIt()
    {
        var node = Node("a");
        await node.Leadership.StepAsync(CancellationToken.None);
        var expiresAt = _store.Current!.ExpiresAt;
        _store.FailRenewals = true;

        var wait = Options.RenewInterval;
        for (var step = 0; step < 20 && wait != Timeout.InfiniteTimeSpan; step++)
        {
            _time.Advance(wait);
            wait = await node.Leadership.StepAsync(CancellationToken.None);
        }

        Assert.Equal(Timeout.InfiniteTimeSpan, wait);
        Assert.False(node.Service.IsRunning);
        Assert.True(node.Service.StoppedAt <= expiresAt - Options.StopMargin, $"stopped at {node.Service.StoppedAt:o}, lease expires {expiresAt:o}");
        Assert.True(node.Lifetime.StopRequested);

        // Only once it has expired can the standby take it, by which time the old holder has stopped.
        var standby = Node("b");
        Assert.Equal(CompanionRole.Standby, await RoleAfterStepAsync(standby));
        _time.SetUtcNow(expiresAt + TimeSpan.FromMilliseconds(1));
        Assert.Equal(CompanionRole.Active, await RoleAfterStepAsync(standby));
    }

    [Fact]
    public async Task OneFailedRenewal_IsRetriedSooner_AndASuccessKeepsTheLease()
    {
        var node = Node("a");
        await node.Leadership.StepAsync(CancellationToken.None);
        _store.FailRenewals = true;
        _time.Advance(Options.RenewInterval);

        var retry = await node.Leadership.StepAsync(CancellationToken.None);

        Assert.True(retry < Options.RenewInterval);
        _store.FailRenewals = false;
        _time.Advance(retry);
        Assert.Equal(Options.RenewInterval, await node.Leadership.StepAsync(CancellationToken.None));
        Assert.Equal(CompanionRole.Active, node.State.Role);
        Assert.True(node.Service.IsRunning);
    }

    [Fact]
    public async Task AHolderThatDied_IsReplacedOnceItsLeaseExpires_WellWithinAMinute()
    {
        var dead = Node("a");
        await dead.Leadership.StepAsync(CancellationToken.None);
        var standby = Node("b");

        var waited = TimeSpan.Zero;
        while (await RoleAfterStepAsync(standby) != CompanionRole.Active)
        {
            _time.Advance(Options.PollInterval);
            waited += Options.PollInterval;
        }

        Assert.InRange(waited, Options.Duration, Options.Duration + Options.PollInterval);
        Assert.True(standby.Service.IsRunning);
    }

    [Fact]
    public async Task GracefulStop_StopsTheActiveWorkFirst_ThenReleasesTheLease_ForTheStandbysNextPoll()
    {
        var node = Node("a");
        await node.Leadership.StepAsync(CancellationToken.None);

        await node.Leadership.StopAsync(CancellationToken.None);

        Assert.False(node.Service.IsRunning);
        Assert.Equal("a", node.Service.LeaseAtStop?.Holder);
        Assert.Null(_store.Current);
        Assert.False(node.Lifetime.StopRequested);
        Assert.Equal(CompanionRole.Active, await RoleAfterStepAsync(Node("b")));
    }

    [Fact]
    public async Task GracefulStop_OfAStandby_LeavesTheHoldersLease()
    {
        await Node("a").Leadership.StepAsync(CancellationToken.None);
        var standby = Node("b");
        await standby.Leadership.StepAsync(CancellationToken.None);

        await standby.Leadership.StopAsync(CancellationToken.None);

        Assert.Equal("a", _store.Current!.Holder);
        Assert.Empty(standby.Events);
    }

    [Theory]
    [InlineData("00:00:20", "00:00:10", "00:00:05", false)]
    [InlineData("00:00:21", "00:00:10", "00:00:05", true)]
    [InlineData("00:00:30", "00:00:10", "00:00:00", false)]
    [InlineData("00:00:30", "00:00:10", "00:00:05", true)]
    public void Options_RequireADurationOfMoreThanTwoRenewals(string duration, string renew, string poll, bool valid)
    {
        var options = new CompanionLeaseOptions { Duration = TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), RenewInterval = TimeSpan.Parse(renew, System.Globalization.CultureInfo.InvariantCulture), PollInterval = TimeSpan.Parse(poll, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new CompanionLeaseOptionsValidator().Validate(null, options);

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Companion__Lease__", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Provider.Dispose();
        }
    }

    private static async Task<CompanionRole> RoleAfterStepAsync(NodeParts node)
    {
        await node.Leadership.StepAsync(CancellationToken.None);
        return node.State.Role;
    }

    private NodeParts Node(string id)
    {
        var events = new List<string>();
        var service = new RecordingService(_time, events, () => _store.Current);
        var services = new ServiceCollection();
        services.AddSingleton(service);
        var provider = services.BuildServiceProvider();
        var work = new ActiveWork(provider, [new ActiveServiceType(typeof(RecordingService))], NullLogger<ActiveWork>.Instance);
        var instance = new CompanionInstance(id);
        var state = new CompanionLeadershipState(instance);
        var lifetime = new RecordingLifetime();
        var leadership = new CompanionLeadership(
            _store, work, state, instance, Microsoft.Extensions.Options.Options.Create(Options), lifetime, _time, NullLogger<CompanionLeadership>.Instance);
        var node = new NodeParts(leadership, state, service, lifetime, events, provider);
        _nodes.Add(node);
        return node;
    }

    private sealed record NodeParts(CompanionLeadership Leadership, CompanionLeadershipState State, RecordingService Service, RecordingLifetime Lifetime, List<string> Events, ServiceProvider Provider);
}
