using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Queues;

namespace Serverless.Storage.ScheduledPosts;

/// <summary>
/// Puts claimed occurrences on the <c>posts</c> queue, each send in a Producer span "enqueue posts" whose context the
/// message carries to the publisher.
/// </summary>
public sealed class AzurePostPublishQueue(StorageAccount account, TimeProvider timeProvider) : IPostPublishQueue
{
    private QueueClient? _queue;

    public async Task EnqueueAsync(PostClaim claim, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        using var activity = QueueActivities.StartEnqueue(QueueNames.Posts);
        QueueActivities.SetDimensions(activity, correlationId, claim.GuildId, command: null, PostMessage.ScheduledPostsFeature);
        var text = PostMessageCodec.Encode(claim, correlationId, timeProvider.GetUtcNow(), QueuedTraceContext.Capture(activity));
        var queue = _queue ??= account.Queues.GetQueueClient(QueueNames.Posts);
        try
        {
            await queue.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(text, cancellationToken);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }
}
