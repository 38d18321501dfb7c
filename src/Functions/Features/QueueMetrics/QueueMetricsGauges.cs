using System.Diagnostics.Metrics;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Features.QueueMetrics;

/// <summary>
/// The last sample of the <c>queue-metrics</c> timer, reported by observable gauges whenever the exporter collects:
/// <c>bot.queue.depth</c> and <c>bot.queue.oldest_age</c> (per queue, Meter <see cref="TelemetryNames.Queues"/>) and
/// <c>bot.companion.heartbeat_age</c> (Meter <see cref="TelemetryNames.Companion"/>). A queue left out of the last
/// sample (its read failed) reports nothing rather than an old value.
/// </summary>
public sealed class QueueMetricsGauges
{
    private const string QueueDimension = "queue";

    private readonly ObservableGauge<long> _depth;
    private readonly ObservableGauge<double> _oldestAge;
    private readonly ObservableGauge<double> _heartbeatAge;
    private QueueMetricsSample _last = QueueMetricsSample.None;

    public QueueMetricsGauges(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var queues = meterFactory.Create(TelemetryNames.Queues);
        var companion = meterFactory.Create(TelemetryNames.Companion);
        _depth = queues.CreateObservableGauge("bot.queue.depth", ObserveDepth, "{message}", "Approximate messages waiting in the queue, as last sampled.");
        _oldestAge = queues.CreateObservableGauge("bot.queue.oldest_age", ObserveOldestAge, "s", "Age of the oldest visible message in the queue, as last sampled (0 when none).");
        _heartbeatAge = companion.CreateObservableGauge("bot.companion.heartbeat_age", ObserveHeartbeatAge, "s", "Time since the companion last wrote its heartbeat, as last sampled.");
    }

    /// <summary>Something collects the queue gauges: only then are the queues worth reading.</summary>
    public bool QueuesObserved => _depth.Enabled || _oldestAge.Enabled;

    public bool HeartbeatObserved => _heartbeatAge.Enabled;

    public QueueMetricsSample Last => Volatile.Read(ref _last);

    public void Update(QueueMetricsSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Volatile.Write(ref _last, sample);
    }

    private IEnumerable<Measurement<long>> ObserveDepth() =>
        Last.Queues.Select(queue => new Measurement<long>(queue.Depth, new KeyValuePair<string, object?>(QueueDimension, queue.Queue)));

    private IEnumerable<Measurement<double>> ObserveOldestAge() =>
        Last.Queues.Select(queue => new Measurement<double>(queue.OldestAgeSeconds, new KeyValuePair<string, object?>(QueueDimension, queue.Queue)));

    private IEnumerable<Measurement<double>> ObserveHeartbeatAge() =>
        Last.HeartbeatAgeSeconds is { } age ? [new Measurement<double>(age)] : [];
}

/// <summary>One run of the sampler: the queues it could read, and the heartbeat's age when there is one.</summary>
public sealed record QueueMetricsSample(IReadOnlyList<QueueSample> Queues, double? HeartbeatAgeSeconds)
{
    public static QueueMetricsSample None { get; } = new([], null);
}

public sealed record QueueSample(string Queue, long Depth, double OldestAgeSeconds);
