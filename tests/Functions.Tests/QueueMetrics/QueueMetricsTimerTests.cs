using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Features.QueueMetrics;
using Serverless.Functions.Hosting;
using Serverless.Storage.CompanionState;
using Serverless.Storage.Queues;
using Serverless.TestSupport;
using Serverless.TestSupport.Telemetry;

namespace Serverless.Functions.Tests.QueueMetrics;

/// <summary>The <c>queue-metrics</c> sampler: real queues and heartbeat row in Azurite, the gauges read by a listener.</summary>
public sealed class QueueMetricsTimerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Sample_ReportsEveryQueuesDepthAndOldestAge_MissingQueuesAsZero_AndTheHeartbeatAge()
    {
        var interactions = azurite.Account.Queues.GetQueueClient(QueueNames.Interactions);
        await interactions.CreateIfNotExistsAsync();
        await interactions.ClearMessagesAsync();
        var first = await interactions.SendMessageAsync("one");
        await interactions.SendMessageAsync("two");
        await interactions.SendMessageAsync("three");
        var poison = azurite.Account.VerbatimQueues.GetQueueClient(QueueNames.Poison(QueueNames.Posts));
        await poison.CreateIfNotExistsAsync();
        await poison.ClearMessagesAsync();
        await poison.SendMessageAsync("{not base64");

        // The fake clock: 90 s after the first message went in, and 42 s after the companion's last beat.
        var clock = new FakeTimeProvider(first.Value.InsertionTime.AddSeconds(90));
        var heartbeats = new TableCompanionHeartbeatStore(azurite.Account);
        await heartbeats.WriteAsync(Heartbeat(clock.GetUtcNow().AddSeconds(-42)), CancellationToken.None);
        using var meters = new TestMeterFactory();
        using var metrics = new MeterRecorder(meters);
        var (timer, gauges) = Create(new AzureQueueDepthReader(azurite.Account), heartbeats, meters, clock);

        var outcome = await timer.RunAsync(CancellationToken.None);
        metrics.Observe();

        Assert.Equal(QueueWorkResult.Completed, outcome.Result);
        var depth = metrics.Of("bot.queue.depth").ToDictionary(m => m.Tag("queue")!, m => m.Value);
        Assert.Equal(
            new Dictionary<string, double> { ["interactions"] = 3, ["interactions-poison"] = 0, ["posts"] = 0, ["posts-poison"] = 1, ["voice"] = 0, ["voice-poison"] = 0, ["projections"] = 0, ["projections-poison"] = 0 },
            depth);
        Assert.All(metrics.Of("bot.queue.depth"), m => Assert.Equal(TelemetryNames.Queues, m.Meter));
        var age = metrics.Of("bot.queue.oldest_age").ToDictionary(m => m.Tag("queue")!, m => m.Value);
        Assert.Equal(90, age["interactions"], precision: 3);
        Assert.Equal(0, age["voice"]);
        Assert.InRange(age["posts-poison"], 0, 90);
        Assert.Equal("s", metrics.Of("bot.queue.oldest_age")[0].Unit);
        var heartbeatAge = Assert.Single(metrics.Of("bot.companion.heartbeat_age"));
        Assert.Equal(42, heartbeatAge.Value, precision: 3);
        Assert.Equal(TelemetryNames.Companion, heartbeatAge.Meter);
        Assert.Empty(heartbeatAge.Tags);
    }

    [Fact]
    public async Task NobodyObservesTheGauges_NoStorageCallIsMade()
    {
        var queues = new CountingReader();
        var heartbeats = new CountingHeartbeats();
        using var meters = new TestMeterFactory();
        var (timer, gauges) = Create(queues, heartbeats, meters, new FakeTimeProvider());

        var outcome = await timer.RunAsync(CancellationToken.None);

        Assert.Equal(QueueWorkResult.Completed, outcome.Result);
        Assert.Equal(0, queues.Reads);
        Assert.Equal(0, heartbeats.Reads);
        Assert.False(gauges.QueuesObserved);
        Assert.False(gauges.HeartbeatObserved);
    }

    [Fact]
    public async Task AFailedRead_LeavesThatQueueOut_AndTheRunStillCompletes()
    {
        var queues = new CountingReader { Failing = QueueNames.Voice };
        var heartbeats = new CountingHeartbeats { Fail = true };
        using var meters = new TestMeterFactory();
        using var metrics = new MeterRecorder(meters);
        var (timer, _) = Create(queues, heartbeats, meters, new FakeTimeProvider());

        var outcome = await timer.RunAsync(CancellationToken.None);
        metrics.Observe();

        Assert.Equal(QueueWorkResult.Completed, outcome.Result);
        Assert.Equal(8, queues.Reads);
        Assert.Equal(1, heartbeats.Reads);
        var sampled = metrics.Of("bot.queue.depth").Select(m => m.Tag("queue")).Order(StringComparer.Ordinal);
        Assert.Equal(["interactions", "interactions-poison", "posts", "posts-poison", "projections", "projections-poison", "voice-poison"], sampled);
        Assert.Empty(metrics.Of("bot.companion.heartbeat_age"));
    }

    [Fact]
    public async Task NoHeartbeatYet_ReportsNoHeartbeatAge()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MeterRecorder(meters);
        var (timer, _) = Create(new CountingReader(), new CountingHeartbeats(), meters, new FakeTimeProvider());

        await timer.RunAsync(CancellationToken.None);
        metrics.Observe();

        Assert.Empty(metrics.Of("bot.companion.heartbeat_age"));
        Assert.Equal(8, metrics.Of("bot.queue.depth").Count);
    }

    [Fact]
    public void TheSampler_IsRegisteredByTheFunctionApp()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging().AddFunctionApp(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(QueueMetricsTimer));
        Assert.Contains(services, d => d.ServiceType == typeof(QueueMetricsGauges));
        Assert.Contains(services, d => d.ServiceType == typeof(IQueueDepthReader));
    }

    private static (QueueMetricsTimer Timer, QueueMetricsGauges Gauges) Create(IQueueDepthReader queues, ICompanionHeartbeatStore heartbeats, IMeterFactory meters, TimeProvider clock)
    {
        var gauges = new QueueMetricsGauges(meters);
        return (new QueueMetricsTimer(queues, heartbeats, gauges, clock, NullLogger<QueueMetricsTimer>.Instance), gauges);
    }

    private static CompanionHeartbeat Heartbeat(DateTimeOffset writtenAt) => new()
    {
        WrittenAt = writtenAt,
        Instance = "test",
        Shards = [],
        Lavalink = "ok",
    };

    private sealed class CountingReader : IQueueDepthReader
    {
        private int _reads;

        public string? Failing { get; init; }

        public int Reads => Volatile.Read(ref _reads);

        public Task<QueueBacklog> ReadAsync(string queue, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return queue == Failing
                ? Task.FromException<QueueBacklog>(new InvalidOperationException("storage unreachable"))
                : Task.FromResult(new QueueBacklog(queue, 0, null));
        }
    }

    private sealed class CountingHeartbeats : ICompanionHeartbeatStore
    {
        private int _reads;

        public bool Fail { get; init; }

        public int Reads => Volatile.Read(ref _reads);

        public Task WriteAsync(CompanionHeartbeat heartbeat, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<CompanionHeartbeat?> ReadAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return Fail ? Task.FromException<CompanionHeartbeat?>(new InvalidOperationException("storage unreachable")) : Task.FromResult<CompanionHeartbeat?>(null);
        }
    }
}
