using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Telemetry;

namespace Serverless.Storage.Queues;

/// <summary>
/// A queue's approximate message count (its properties) and the oldest visible message's insertion time (a peek of
/// one). Through the account's verbatim clients: a poison queue may hold text that is not base64, and a peek that
/// decodes would fail on exactly the messages an operator needs to see counted.
/// </summary>
public sealed class AzureQueueDepthReader(StorageAccount account) : IQueueDepthReader
{
    public async Task<QueueBacklog> ReadAsync(string queue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var client = account.VerbatimQueues.GetQueueClient(queue);
        try
        {
            var properties = await client.GetPropertiesAsync(cancellationToken);
            var count = (long)properties.Value.ApproximateMessagesCount;
            if (count == 0)
            {
                return new QueueBacklog(queue, 0, null);
            }

            var peeked = await client.PeekMessagesAsync(1, cancellationToken);
            var oldest = peeked.Value.Length > 0 ? peeked.Value[0].InsertedOn : null;
            return new QueueBacklog(queue, count, oldest);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Queues are made on first use (a poison queue on the first poisoned message): none yet means none waiting.
            return new QueueBacklog(queue, 0, null);
        }
    }
}
