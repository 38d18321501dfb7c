using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Housekeeping;
using Serverless.Functions.Features.Housekeeping;
using Serverless.Functions.Hosting;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Housekeeping;

public sealed class HousekeepingTimerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 17, 0, TimeSpan.Zero));
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task Timer_ThroughTheFunction_SweepsEachTableWithItsRetention()
    {
        var store = new ScriptedRetentionStore(_time);
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IRetentionStore>(store));
        var now = host.Time.GetUtcNow();

        await host.RunAsync<HousekeepingFunction>(function => function.RunAsync(new TimerInfo { IsPastDue = true }, CancellationToken.None));

        Assert.Equal(now - TimeSpan.FromDays(1), Assert.Single(store.Cutoffs["interactionruns"].Distinct()));
        Assert.Equal(now - TimeSpan.FromDays(1), Assert.Single(store.Cutoffs["ratelimits"].Distinct()));
        Assert.Equal(now - TimeSpan.FromDays(30), Assert.Single(store.Cutoffs["scheduledposts"].Distinct()));
        Assert.Equal(now - TimeSpan.FromDays(1), Assert.Single(store.Cutoffs["commandlimits"].Distinct()));
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5204);
        Assert.Contains(host.Logs.Entries, entry => entry.Id.Id == 5202 && entry.Message.EndsWith("complete True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timer_ThroughTheFunction_WithAFailedSweep_FailsTheRunNamingIt()
    {
        var store = new ScriptedRetentionStore(_time) { FailingTable = "ratelimits" };
        await using var host = await FunctionTestHost.StartAsync(configureServices: services => services.AddSingleton<IRetentionStore>(store));

        var failure = await Assert.ThrowsAsync<FunctionRunFailedException>(() =>
            host.RunAsync<HousekeepingFunction>(function => function.RunAsync(new TimerInfo(), CancellationToken.None)));

        Assert.Equal(HousekeepingTimer.FunctionName, failure.FunctionName);
        Assert.Contains("the ratelimits sweep failed", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, entry => entry.Id.Id == 5204);
        Assert.Equal(3, store.Cutoffs["scheduledposts"].Count);
    }

    [Fact]
    public async Task Run_GoesPageByPageInTurns_AndStopsStartingPagesWhenItsTimeBudgetIsSpent()
    {
        // Every page takes 20 s and there is always more: a round of the four tables takes 80 s, so a 2-minute budget
        // lets two rounds start.
        var store = new ScriptedRetentionStore(_time) { PageDuration = TimeSpan.FromSeconds(20), Endless = true };

        var outcome = await Timer(store).RunAsync(CancellationToken.None);

        Assert.Equal(QueueWorkResult.Completed, outcome.Result);
        Assert.Equal(2, store.Cutoffs["interactionruns"].Count);
        Assert.Equal(2, store.Cutoffs["ratelimits"].Count);
        Assert.Equal(2, store.Cutoffs["scheduledposts"].Count);
        Assert.Equal(2, store.Cutoffs["commandlimits"].Count);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 5202 && entry.Message.EndsWith("8 examined; complete False", StringComparison.Ordinal));
        Assert.Equal(["page-1"], store.ContinuationsSeen["interactionruns"].Skip(1));
    }

    [Fact]
    public async Task Run_LogsStartAndEndWithDurationAndCounts()
    {
        var store = new ScriptedRetentionStore(_time) { PageDuration = TimeSpan.FromMilliseconds(250) };

        await Timer(store).RunAsync(CancellationToken.None);

        var finished = Assert.Single(_logs.Entries, entry => entry.Id.Id == 5202);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 5201);
        Assert.Matches(@"finished in 3000 ms: deleted 3 interactionruns, 3 ratelimits, 3 scheduledposts, 3 commandlimits rows of 12 examined; complete True", finished.Message);
    }

    [Fact]
    public async Task Run_OneSweepFailing_LetsTheOthersFinish_AndReportsTheRunFailed()
    {
        var store = new ScriptedRetentionStore(_time) { FailingTable = "ratelimits" };

        var outcome = await Timer(store).RunAsync(CancellationToken.None);

        Assert.Equal(QueueWorkResult.Retry, outcome.Result);
        Assert.EndsWith("the ratelimits sweep failed", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 5202 && entry.Message.Contains("deleted 3 interactionruns, 0 ratelimits, 3 scheduledposts", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, entry => entry.Id.Id == 5203 && entry.Level == LogLevel.Error);
    }

    private HousekeepingTimer Timer(ScriptedRetentionStore store) =>
        new(store, Options.Create(new HousekeepingOptions()), _time, LoggerFactory.Create(logging => logging.AddProvider(_logs)).CreateLogger<HousekeepingTimer>());

    /// <summary>Three pages of one deleted row per table (or endless ones), each taking <see cref="PageDuration"/> on the fake clock.</summary>
    private sealed class ScriptedRetentionStore(FakeTimeProvider time) : IRetentionStore
    {
        public TimeSpan PageDuration { get; init; }

        public bool Endless { get; init; }

        public string? FailingTable { get; init; }

        public ConcurrentDictionary<string, List<DateTimeOffset>> Cutoffs { get; } = new();

        public ConcurrentDictionary<string, List<string?>> ContinuationsSeen { get; } = new();

        public Task<SweepPage> SweepInteractionRunsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
            Page("interactionruns", cutoff, continuation);

        public Task<SweepPage> SweepRateLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
            Page("ratelimits", cutoff, continuation);

        public Task<SweepPage> SweepFinishedPostsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
            Page("scheduledposts", cutoff, continuation);

        public Task<SweepPage> SweepCommandLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
            Page("commandlimits", cutoff, continuation);

        private Task<SweepPage> Page(string table, DateTimeOffset cutoff, string? continuation)
        {
            if (table == FailingTable)
            {
                throw new InvalidOperationException("table service down");
            }

            time.Advance(PageDuration);
            Cutoffs.GetOrAdd(table, _ => []).Add(cutoff);
            ContinuationsSeen.GetOrAdd(table, _ => []).Add(continuation);
            var number = continuation is null ? 1 : int.Parse(continuation["page-".Length..], System.Globalization.CultureInfo.InvariantCulture) + 1;
            var next = Endless || number < 3 ? $"page-{number}" : null;
            return Task.FromResult(new SweepPage(1, 1, next));
        }
    }
}
