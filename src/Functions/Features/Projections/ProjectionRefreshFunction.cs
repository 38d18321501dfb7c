using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Projections;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Features.Projections;

/// <summary>
/// The <c>projection-refresher</c> queue function over queue <c>projections</c>. A run that asks for a retry throws, so
/// the host delivers it again and, after <c>maxDequeueCount</c>, moves it to <c>projections-poison</c>. Each run is a
/// Consumer span "process projections" under the trace of the change that queued it.
/// </summary>
public sealed class ProjectionRefreshFunction(ProjectionRefresher refresher)
{
    public const string QueueName = "projections";

    [Function(ProjectionRefresher.FunctionName)]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        using var activity = StartProcess(message);
        var outcome = await refresher.RunAsync(message, cancellationToken);
        outcome.ThrowIfRetry(ProjectionRefresher.FunctionName);
    }

    /// <summary>The envelope is read for its trace only when someone listens.</summary>
    private static System.Diagnostics.Activity? StartProcess(string message)
    {
        if (!QueueActivities.Source.HasListeners())
        {
            return null;
        }

        var (key, correlationId, trace, _) = ProjectionMessageCodec.Decode(message);
        var activity = QueueActivities.StartProcess(QueueNames.Projections, trace);
        QueueActivities.SetDimensions(activity, correlationId, key?.GuildId, command: null, key?.Feature);
        return activity;
    }
}
