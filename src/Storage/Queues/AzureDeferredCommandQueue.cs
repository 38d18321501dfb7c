using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Commands;

namespace Serverless.Storage.Queues;

/// <summary>Puts deferred commands on the <c>interactions</c> queue.</summary>
public sealed class AzureDeferredCommandQueue(StorageAccount account) : IDeferredCommandQueue
{
    private QueueClient? _queue;

    public async Task EnqueueAsync(DeferredCommand command, CancellationToken cancellationToken)
    {
        var text = InteractionMessageCodec.Encode(command);
        var queue = _queue ??= account.Queues.GetQueueClient(QueueNames.Interactions);
        try
        {
            await queue.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Infrastructure creates queues in Azure; a fresh Azurite has none. Create once, then retry.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(text, cancellationToken);
        }
    }
}
