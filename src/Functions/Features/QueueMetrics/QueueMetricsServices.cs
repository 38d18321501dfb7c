namespace Serverless.Functions.Features.QueueMetrics;

public static class QueueMetricsServices
{
    /// <summary>
    /// The <c>queue-metrics</c> sampler and the gauges it feeds. Its <c>IQueueDepthReader</c> and
    /// <c>ICompanionHeartbeatStore</c> come from <c>AddStorage</c>.
    /// </summary>
    public static IServiceCollection AddQueueMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<QueueMetricsGauges>();
        services.TryAddSingleton<QueueMetricsTimer>();
        return services;
    }
}
