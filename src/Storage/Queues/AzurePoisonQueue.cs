using Azure;
using Azure.Storage.Queues;

namespace Serverless.Storage.Queues;

/// <summary>Parks a message no run can finish in its queue's <c>-poison</c> twin, where operators look.</summary>
public interface IPoisonQueue
{
    /// <summary>Adds <paramref name="messageText"/>, verbatim, to <see cref="QueueNames.Poison"/> of <paramref name="queue"/>.</summary>
    Task SendAsync(string queue, string messageText, CancellationToken cancellationToken);
}

/// <inheritdoc cref="IPoisonQueue"/>
public sealed class AzurePoisonQueue(StorageAccount account) : IPoisonQueue
{
    public async Task SendAsync(string queue, string messageText, CancellationToken cancellationToken)
    {
        var poison = account.Queues.GetQueueClient(QueueNames.Poison(queue));
        try
        {
            await poison.SendMessageAsync(messageText, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Infrastructure creates poison queues in Azure; a fresh Azurite has none.
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(messageText, cancellationToken);
        }
    }
}
