using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Serverless.Observability;

/// <summary>
/// Exports the metrics once more when the host stops, while every meter still exists. The exporter's own final flush
/// comes when the container is disposed, and by then the meters made by <c>IMeterFactory</c> may be disposed too: a
/// histogram keeps what it aggregated, but an observable gauge (queue depth, heartbeat age, shard state) has nobody
/// left to ask, so a scaled-in instance's last minute of gauges would be lost.
/// </summary>
internal sealed class MetricsFlushOnStop(MeterProvider meters) : IHostedService
{
    private const int FlushTimeoutMilliseconds = 5_000;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        meters.ForceFlush(FlushTimeoutMilliseconds);
        return Task.CompletedTask;
    }
}
