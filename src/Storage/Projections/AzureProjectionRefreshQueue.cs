using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Queues;

namespace Serverless.Storage.Projections;

/// <summary>
/// Puts refreshes on the <c>projections</c> queue, hidden for their coalescing delay (the visibility timeout), each send
/// in a Producer span "enqueue projections" whose context the message carries to the refresher.
/// </summary>
public sealed class AzureProjectionRefreshQueue(StorageAccount account, TimeProvider timeProvider) : IProjectionRefreshQueue
{
    private QueueClient? _queue;

    public async Task EnqueueAsync(ProjectionKey key, TimeSpan delay, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var activity = QueueActivities.StartEnqueue(QueueNames.Projections);
        QueueActivities.SetDimensions(activity, correlationId, key.GuildId, command: null, key.Feature);
        var text = ProjectionMessageCodec.Encode(key, correlationId, timeProvider.GetUtcNow(), QueuedTraceContext.Capture(activity));
        var queue = _queue ??= account.Queues.GetQueueClient(QueueNames.Projections);
        var visibility = delay > TimeSpan.Zero ? delay : (TimeSpan?)null;
        try
        {
            await queue.SendMessageAsync(text, visibility, timeToLive: null, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(text, visibility, timeToLive: null, cancellationToken);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }
}
