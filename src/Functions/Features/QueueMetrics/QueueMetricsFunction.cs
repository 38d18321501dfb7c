using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.QueueMetrics;

/// <summary>
/// The <c>queue-metrics</c> timer, every minute at second 30 (off the due-posts timer's second 0). No schedule monitor:
/// a missed sample is not caught up, the next one replaces it.
/// </summary>
public sealed class QueueMetricsFunction(QueueMetricsTimer timer)
{
    public const string Schedule = "30 * * * * *";

    [Function(QueueMetricsTimer.FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = false)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        var outcome = await timer.RunAsync(cancellationToken);
        outcome.ThrowIfRetry(QueueMetricsTimer.FunctionName);
    }
}
