using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;
using Serverless.Domain.Telemetry;
using Serverless.Domain.Tests.Support;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Domain.Tests.DeferredWork;

/// <summary>
/// The runner's span and metrics: the queued work joins the trace its message carried, names its interaction, and is
/// measured by queue, command and outcome. Not run beside other tests: a listener sees every span of the source.
/// </summary>
[Collection(ActivityTests.Name)]
public sealed class DeferredWorkTelemetryTests : IDisposable
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ParentSpanId = "b7ad6b7169203331";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly TestMeterFactory _meters = new();
    private readonly MeterRecorder _measurements;
    private readonly QueuedCommands _queue = new();
    private readonly Handler _handler = new();

    public DeferredWorkTelemetryTests() => _measurements = new MeterRecorder(_meters);

    [Fact]
    public async Task TheWork_RunsInAConsumerSpan_UnderTheEnvelopesTrace_LinkedToTheInvocation_WithTheDimensions()
    {
        using var spans = new RecordedSpans(TelemetryNames.Queues, "Test.Invocation");
        using var invocationSource = new ActivitySource("Test.Invocation");
        var command = Command(TimeSpan.FromSeconds(3), subcommand: "play") with
        {
            Trace = new QueuedTraceContext($"00-{TraceId}-{ParentSpanId}-01", "vendor=x"),
        };

        using (var invocation = invocationSource.StartActivity("Invoke interaction-worker", ActivityKind.Server))
        {
            await Runner(CommandCatalog.Current).RunAsync("voice", _queue.Queue(command), _handler, CancellationToken.None);
            Assert.Same(invocation, Activity.Current);
        }

        var span = Assert.Single(spans.Stopped, span => span.Source.Name == TelemetryNames.Queues);
        Assert.Equal("process voice", span.DisplayName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal(TraceId, span.TraceId.ToHexString());
        Assert.Equal(ParentSpanId, span.ParentSpanId.ToHexString());
        Assert.Equal("vendor=x", span.TraceStateString);
        var invocationSpan = Assert.Single(spans.Stopped, span => span.Source.Name == "Test.Invocation");
        Assert.Contains(span.Links, link => link.Context.SpanId == invocationSpan.SpanId && link.Context.TraceId == invocationSpan.TraceId);
        Assert.Equal("corr-1", span.GetTagItem(TelemetryDimensions.CorrelationId));
        Assert.Equal("900000000000000001", span.GetTagItem(TelemetryDimensions.GuildId));
        Assert.Equal("music play", span.GetTagItem(TelemetryDimensions.Command));
        Assert.Equal("music", span.GetTagItem(TelemetryDimensions.Feature));
        Assert.Equal("voice", span.GetTagItem("messaging.destination.name"));
        Assert.Equal("azure_storage_queues", span.GetTagItem("messaging.system"));

        // The handler's own spans (Discord calls) are children of the work's span.
        Assert.Equal(span.SpanId, _handler.CurrentSpan);
    }

    [Fact]
    public async Task WithoutATraceInTheMessage_TheWorkIsAChildOfTheInvocation()
    {
        using var spans = new RecordedSpans(TelemetryNames.Queues, "Test.Invocation");
        using var invocationSource = new ActivitySource("Test.Invocation");
        using (invocationSource.StartActivity("Invoke interaction-worker", ActivityKind.Server))
        {
            await Runner().RunAsync("interactions", _queue.Queue(Command(TimeSpan.FromSeconds(3)) with { Trace = new QueuedTraceContext("00-nonsense-01", null) }), _handler, CancellationToken.None);
        }

        var invocationSpan = Assert.Single(spans.Stopped, span => span.Source.Name == "Test.Invocation");
        var span = Assert.Single(spans.Stopped, span => span.Source.Name == TelemetryNames.Queues);
        Assert.Equal(invocationSpan.TraceId, span.TraceId);
        Assert.Equal(invocationSpan.SpanId, span.ParentSpanId);
        Assert.Equal("status", span.GetTagItem(TelemetryDimensions.Command));
    }

    [Fact]
    public async Task NothingListening_NoSpanIsStarted()
    {
        await Runner().RunAsync("interactions", _queue.Queue(Command(TimeSpan.FromSeconds(3))), _handler, CancellationToken.None);

        Assert.Equal(1, _handler.Runs);
        Assert.Equal(default, _handler.CurrentSpan);
    }

    [Fact]
    public async Task EveryRun_RecordsItsDuration_ByQueueCommandAndOutcome_AndTheInteractionsAgeAtStart()
    {
        _handler.Delay = TimeSpan.FromMilliseconds(250);
        _handler.Time = _time;
        var runner = Runner();

        await runner.RunAsync("interactions", _queue.Queue(Command(TimeSpan.FromSeconds(3))), _handler, CancellationToken.None);
        await runner.RunAsync("interactions", _queue.Queue(Command(TimeSpan.FromMinutes(20))), _handler, CancellationToken.None);
        await runner.RunAsync("interactions", "unreadable", _handler, CancellationToken.None);
        _handler.Throw = new InvalidOperationException("storage down");
        await runner.RunAsync("voice", _queue.Queue(Command(TimeSpan.FromSeconds(4), subcommand: "skip")), _handler, CancellationToken.None);

        var durations = _measurements.Of(DeferredWorkMetrics.DurationName);
        Assert.Equal(
            [("interactions", "status", "completed"), ("interactions", "status", "skipped"), ("interactions", "unknown", "poison"), ("voice", "music skip", "retry")],
            durations.Select(m => (m.Tag("queue"), m.Tag("command"), m.Tag("outcome"))));
        Assert.All(durations, m => Assert.Equal("ms", m.Unit));
        Assert.All(durations, m => Assert.Equal(TelemetryNames.Queues, m.Meter));
        Assert.Equal(250, durations[0].Value);

        var ages = _measurements.Of(DeferredWorkMetrics.AgeName);
        Assert.Equal(3, ages.Count);
        Assert.Equal(("interactions", "status"), (ages[0].Tag("queue"), ages[0].Tag("command")));
        Assert.Equal(3000, ages[0].Value, precision: 0);
        Assert.Equal(TimeSpan.FromMinutes(20).TotalMilliseconds, ages[1].Value, precision: 0);
        Assert.All(ages, m => Assert.DoesNotContain("outcome", m.Tags.Keys));
    }

    public void Dispose()
    {
        _measurements.Dispose();
        _meters.Dispose();
    }

    private DeferredWorkRunner Runner(FeatureCatalog? catalog = null) => new(
        _queue,
        new Ledger(),
        Options.Create(new DeferredWorkOptions()),
        _time,
        NullLogger<DeferredWorkRunner>.Instance,
        new DeferredWorkMetrics(_meters),
        catalog);

    private DeferredCommand Command(TimeSpan interactionAge, string? subcommand = null) => new()
    {
        InteractionId = Snowflake.AtTime(_time.GetUtcNow() - interactionAge) + 1,
        ApplicationId = 100000000000000001,
        InteractionToken = "secret-token",
        EnqueuedAt = _time.GetUtcNow() - interactionAge,
        Invocation = new CommandInvocation
        {
            CommandName = subcommand is null ? "status" : "music",
            CorrelationId = "corr-1",
            GuildId = 900000000000000001,
            Options = subcommand is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["subcommand"] = subcommand },
        },
    };

    private sealed class Ledger : IInteractionLedger
    {
        public Task<bool> IsCompletedAsync(ulong interactionId, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task MarkCompletedAsync(ulong interactionId, string commandName, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Handler : IDeferredWorkHandler
    {
        public int Runs { get; private set; }

        public ActivitySpanId CurrentSpan { get; private set; }

        public Exception? Throw { get; set; }

        public TimeSpan Delay { get; set; }

        public FakeTimeProvider? Time { get; set; }

        public Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
        {
            Runs++;
            CurrentSpan = Activity.Current?.SpanId ?? default;
            Time?.Advance(Delay);
            return Throw is not null ? Task.FromException(Throw) : Task.CompletedTask;
        }

        public Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No operator controls in these tests.");
    }
}
