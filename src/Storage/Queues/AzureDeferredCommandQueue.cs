using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Commands;

namespace Serverless.Storage.Queues;

/// <summary>Puts deferred commands on the <c>interactions</c> or the <c>voice</c> queue, in the same message shape.</summary>
public sealed class AzureDeferredCommandQueue(StorageAccount account) : IDeferredCommandQueue
{
    // One client per target, built on first use; indexed by the enum's value.
    private readonly QueueClient?[] _queues = new QueueClient?[Enum.GetValues<DeferredWorkQueue>().Length];

    public async Task EnqueueAsync(DeferredCommand command, DeferredWorkQueue queue, CancellationToken cancellationToken)
    {
        var text = InteractionMessageCodec.Encode(command);
        var client = Client(queue);
        try
        {
            await client.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Infrastructure creates queues in Azure; a fresh Azurite has none. Create once, then retry.
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await client.SendMessageAsync(text, cancellationToken);
        }
    }

    private QueueClient Client(DeferredWorkQueue queue)
    {
        var name = QueueNames.For(queue);
        return _queues[(int)queue] ??= account.Queues.GetQueueClient(name);
    }
}
