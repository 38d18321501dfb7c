using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Tests.Support;
using Serverless.DevHost.Timers;
using Xunit;

namespace Serverless.DevHost.Tests;

/// <summary>The timer trigger's schedule, on a fake clock.</summary>
public sealed class TimerListenerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task EveryMinuteSchedule_FiresAtSecondZero_AndNotInBetween()
    {
        await using var harness = Harness.Start("0 */1 * * * *");

        Assert.Equal(TimeSpan.FromSeconds(30), await harness.WaitForScheduleAsync());
        harness.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(harness.Invoker.Calls);

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await harness.Invoker.WaitForCallsAsync(1);
        Assert.Equal(At("2026-11-23T08:01:00Z"), harness.Invoker.Calls[0].At);

        Assert.Equal(TimeSpan.FromMinutes(1), await harness.WaitForScheduleAsync());
        harness.Clock.Advance(TimeSpan.FromSeconds(59.999));
        Assert.Single(harness.Invoker.Calls);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await harness.Invoker.WaitForCallsAsync(2);
        Assert.Equal(At("2026-11-23T08:02:00Z"), harness.Invoker.Calls[1].At);
    }

    [Fact]
    public async Task Invocation_CarriesTheTimerPayload_WithTheInMemoryScheduleStatus()
    {
        await using var harness = Harness.Start("0 */1 * * * *");

        await harness.FireNextAsync(expectedCalls: 1);
        await harness.FireNextAsync(expectedCalls: 2);

        var first = harness.Invoker.Calls[0];
        Assert.Equal("timers", first.FunctionName);
        Assert.Equal("timer", first.Input.InputData[0].Name);
        Assert.Empty(first.Input.TriggerMetadata);
        var timer = first.TriggerJson;
        Assert.True(timer.GetProperty("Schedule").GetProperty("AdjustForDST").GetBoolean());
        Assert.False(timer.GetProperty("IsPastDue").GetBoolean());
        Assert.Equal("0001-01-01T00:00:00", timer.GetProperty("ScheduleStatus").GetProperty("Last").GetString());
        Assert.Equal("2026-11-23T08:01:00+00:00", timer.GetProperty("ScheduleStatus").GetProperty("Next").GetString());

        var second = harness.Invoker.Calls[1].TriggerJson.GetProperty("ScheduleStatus");
        Assert.Equal("2026-11-23T08:01:00+00:00", second.GetProperty("Last").GetString());
        Assert.Equal("2026-11-23T08:02:00+00:00", second.GetProperty("Next").GetString());
        Assert.Equal("2026-11-23T08:01:00+00:00", second.GetProperty("LastUpdated").GetString());
    }

    [Fact]
    public async Task FailedInvocation_IsNotRetried_TheNextRunIsTheNextOccurrence()
    {
        await using var harness = Harness.Start("0 */1 * * * *", FakeInvoker.Failing());

        await harness.FireNextAsync(expectedCalls: 1);

        Assert.Equal(TimeSpan.FromMinutes(1), await harness.WaitForScheduleAsync());
        Assert.Single(harness.Invoker.Calls);
    }

    [Fact]
    public async Task RunOnStartup_FiresAtOnce_ThenFollowsTheSchedule()
    {
        await using var harness = Harness.Start("0 0 * * * *", runOnStartup: true);

        await harness.Invoker.WaitForCallsAsync(1);
        Assert.Equal(Start, harness.Invoker.Calls[0].At);

        Assert.Equal(TimeSpan.FromMinutes(59.5), await harness.WaitForScheduleAsync());
    }

    [Fact]
    public async Task TimeSpanSchedule_FiresEveryInterval_WithoutDstAdjustment()
    {
        await using var harness = Harness.Start("00:05:00");

        await harness.FireNextAsync(expectedCalls: 1);
        await harness.FireNextAsync(expectedCalls: 2);

        Assert.Equal([Start.AddMinutes(5), Start.AddMinutes(10)], harness.Invoker.Calls.Select(call => call.At!.Value));
        Assert.False(harness.Invoker.Calls[0].TriggerJson.GetProperty("Schedule").GetProperty("AdjustForDST").GetBoolean());
    }

    [Fact]
    public async Task SubMinuteSchedule_IsNotMonitored_SoScheduleStatusIsNull()
    {
        await using var harness = Harness.Start("*/10 * * * * *");

        await harness.FireNextAsync(expectedCalls: 1);

        Assert.Equal(JsonValueKind.Null, harness.Invoker.Calls[0].TriggerJson.GetProperty("ScheduleStatus").ValueKind);
    }

    [Fact]
    public async Task OccurrenceDueWhileTheLastRunIsStillGoing_IsSkipped()
    {
        var release = new TaskCompletionSource<InvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new FakeInvoker(index => index == 0 ? release.Task : Task.FromResult(InvocationResult.Success([])));
        await using var harness = Harness.Start("0 */1 * * * *", invoker);

        await harness.FireNextAsync(expectedCalls: 1);

        // The run started at 08:01 takes until 08:03:30: the 08:02 and 08:03 occurrences pass meanwhile.
        harness.Clock.Advance(TimeSpan.FromSeconds(150));
        release.SetResult(InvocationResult.Success([]));

        Assert.Equal(TimeSpan.FromSeconds(30), await harness.WaitForScheduleAsync());
        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        await invoker.WaitForCallsAsync(2);
        Assert.Equal(At("2026-11-23T08:04:00Z"), invoker.Calls[1].At);
    }

    private static DateTimeOffset At(string value) => DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A listener for function <c>timers</c> running on a fake clock that starts at 08:00:30 UTC.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        private Harness(ObservableTimeProvider clock, FakeInvoker invoker)
        {
            Clock = clock;
            Invoker = invoker;
        }

        public ObservableTimeProvider Clock { get; }

        public FakeInvoker Invoker { get; }

        public static Harness Start(string schedule, FakeInvoker? invoker = null, bool runOnStartup = false)
        {
            var clock = new ObservableTimeProvider(TimerListenerTests.Start);
            invoker ??= FakeInvoker.Succeeding();
            invoker.Clock = clock;
            Assert.True(TimerSchedule.TryParse(schedule, out var parsed, out var error), error);
            var trigger = new TimerTrigger("timer", parsed, runOnStartup, parsed.MonitorByDefault(clock.GetUtcNow()));
            var listener = new TimerListener(new FunctionDefinition("timers", "timers-id", trigger), invoker, clock, NullLogger.Instance);
            var harness = new Harness(clock, invoker);
            harness._run = listener.RunAsync(harness._stop.Token);
            return harness;
        }

        /// <summary>Waits until the listener sleeps until its next occurrence, and returns how long it sleeps.</summary>
        public Task<TimeSpan> WaitForScheduleAsync() => Clock.WaitForTimerAsync(_ => true);

        /// <summary>Moves the clock to the next occurrence and waits for the invocation.</summary>
        public async Task FireNextAsync(int expectedCalls)
        {
            Clock.Advance(await WaitForScheduleAsync());
            await Invoker.WaitForCallsAsync(expectedCalls);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TestTimeouts.Signal);
            _stop.Dispose();
        }
    }
}
