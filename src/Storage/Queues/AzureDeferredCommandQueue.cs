using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Commands;

namespace Serverless.Storage.Queues;

/// <summary>Puts deferred commands on the <c>interactions</c> queue.</summary>
public sealed class AzureDeferredCommandQueue(StorageAccount account) : IDeferredCommandQueue
{
    private readonly QueueClient _queue = account.Queues.GetQueueClient(QueueNames.Interactions);

    public async Task EnqueueAsync(DeferredCommand command, CancellationToken cancellationToken)
    {
        var text = InteractionMessageCodec.Encode(command);
        try
        {
            await _queue.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Infrastructure creates queues in Azure; a fresh Azurite has none. Create once, then retry.
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await _queue.SendMessageAsync(text, cancellationToken);
        }
    }
}
