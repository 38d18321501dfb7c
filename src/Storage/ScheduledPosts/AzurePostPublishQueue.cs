using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Storage.Queues;

namespace Serverless.Storage.ScheduledPosts;

/// <summary>Puts claimed occurrences on the <c>posts</c> queue.</summary>
public sealed class AzurePostPublishQueue(StorageAccount account, TimeProvider timeProvider) : IPostPublishQueue
{
    private QueueClient? _queue;

    public async Task EnqueueAsync(PostClaim claim, string correlationId, CancellationToken cancellationToken)
    {
        var text = PostMessageCodec.Encode(claim, correlationId, timeProvider.GetUtcNow());
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
    }
}
