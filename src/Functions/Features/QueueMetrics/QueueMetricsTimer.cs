using System.Diagnostics;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Features.QueueMetrics;

/// <summary>
/// The <c>queue-metrics</c> timer (every minute): samples the depth and oldest message's age of every queue and its
/// poison twin, and the companion heartbeat's age, for <see cref="QueueMetricsGauges"/>. The Functions app samples the
/// heartbeat because a dead companion cannot report its own. Nothing is read when nothing collects the gauges (no
/// Application Insights), and a failed read only leaves that value out: the sampler never fails a run.
/// </summary>
public sealed partial class QueueMetricsTimer(
    IQueueDepthReader queues,
    ICompanionHeartbeatStore heartbeats,
    QueueMetricsGauges gauges,
    TimeProvider timeProvider,
    ILogger<QueueMetricsTimer> logger)
{
    public const string FunctionName = "queue-metrics";

    /// <summary>The <see cref="TelemetryDimensions.Feature"/> of the timer's telemetry.</summary>
    public const string Feature = "queue-metrics";

    /// <summary>Every queue the bot uses, each work queue followed by its poison queue.</summary>
    public static IReadOnlyList<string> Queues { get; } = [.. QueueNames.Work.SelectMany(queue => new[] { queue, QueueNames.Poison(queue) })];

    public async Task<QueueWorkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag(TelemetryDimensions.Feature, Feature);
        var readQueues = gauges.QueuesObserved;
        var readHeartbeat = gauges.HeartbeatObserved;
        if (!readQueues && !readHeartbeat)
        {
            return QueueWorkOutcome.Completed;
        }

        var sampled = new List<QueueSample>(Queues.Count);
        if (readQueues)
        {
            foreach (var queue in Queues)
            {
                try
                {
                    var depth = await queues.ReadAsync(queue, cancellationToken);
                    var age = depth.OldestInsertedOn is { } inserted ? Seconds(timeProvider.GetUtcNow() - inserted) : 0;
                    sampled.Add(new QueueSample(queue, depth.ApproximateCount, age));
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.QueueUnreadable(logger, exception, FunctionName, queue);
                }
            }
        }

        double? heartbeatAge = null;
        if (readHeartbeat)
        {
            try
            {
                if (await heartbeats.ReadAsync(cancellationToken) is { } heartbeat)
                {
                    heartbeatAge = Seconds(timeProvider.GetUtcNow() - heartbeat.WrittenAt);
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Log.HeartbeatUnreadable(logger, exception, FunctionName);
            }
        }

        gauges.Update(new QueueMetricsSample(sampled, heartbeatAge));
        var waiting = 0L;
        foreach (var queue in sampled)
        {
            waiting += queue.Depth;
        }

        Log.Sampled(logger, FunctionName, sampled.Count, Queues.Count, waiting, heartbeatAge);
        return QueueWorkOutcome.Completed;
    }

    // Another instance's clock may be a little ahead: an age is never negative.
    private static double Seconds(TimeSpan age) => age > TimeSpan.Zero ? age.TotalSeconds : 0;

    private static partial class Log
    {
        [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "{Timer}: could not read queue {Queue}; it is left out of this sample")]
        public static partial void QueueUnreadable(ILogger logger, Exception exception, string timer, string queue);

        [LoggerMessage(EventId = 5302, Level = LogLevel.Warning, Message = "{Timer}: could not read the companion heartbeat; its age is left out of this sample")]
        public static partial void HeartbeatUnreadable(ILogger logger, Exception exception, string timer);

        [LoggerMessage(EventId = 5303, Level = LogLevel.Debug, Message = "{Timer}: sampled {Sampled} of {Queues} queues, {Messages} messages waiting, heartbeat age {HeartbeatAgeSeconds} s")]
        public static partial void Sampled(ILogger logger, string timer, int sampled, int queues, long messages, double? heartbeatAgeSeconds);
    }
}
