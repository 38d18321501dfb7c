using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;

namespace Serverless.DevHost.Queues;

/// <summary>
/// <see cref="IQueueTransport"/> over Azure.Storage.Queues, for Azurite (<c>UseDevelopmentStorage=true</c>) or
/// a real account. The client uses no message encoding: the trigger decodes per host.json itself and moves
/// poison messages with their stored text unchanged.
/// </summary>
public sealed class AzureQueueTransport : IQueueTransport
{
    private readonly QueueServiceClient _service;
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    public AzureQueueTransport(string connectionString)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };

        // The trigger retries with its own back-off; the SDK's retries would only hide a stopped Azurite for long.
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        try
        {
            _service = new QueueServiceClient(connectionString, options);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's message may quote the connection string, which can hold an account key: name the problem only.
            throw new DevHostException("The queue trigger's connection setting does not hold a valid storage connection string.", exception);
        }
    }

    public Task CreateQueueIfNotExistsAsync(string queueName, CancellationToken cancellationToken) =>
        CallAsync("create", queueName, () => GetQueue(queueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var response = await CallAsync("receive from", queueName, () => GetQueue(queueName).ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken));
        return [.. response.Value.Select(message => new ReceivedQueueMessage(
            queueName,
            message.MessageId,
            message.PopReceipt,
            message.Body.ToString(),
            message.DequeueCount,
            message.InsertedOn,
            message.ExpiresOn,
            message.NextVisibleOn))];
    }

    public Task DeleteMessageAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CallAsync("delete a message from", message.QueueName, () => GetQueue(message.QueueName).DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
    }

    public Task UpdateVisibilityAsync(ReceivedQueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CallAsync("update a message in", message.QueueName, () => GetQueue(message.QueueName).UpdateMessageAsync(
            message.MessageId, message.PopReceipt, messageText: (string?)null, visibilityTimeout, cancellationToken));
    }

    public Task SendMessageAsync(string queueName, string messageText, CancellationToken cancellationToken) =>
        CallAsync("send to", queueName, () => GetQueue(queueName).SendMessageAsync(messageText, cancellationToken));

    private QueueClient GetQueue(string queueName) => _queues.GetOrAdd(queueName, _service.GetQueueClient);

    /// <summary>
    /// Turns the SDK's many-line error (status, headers, XML body) into one line for the log: what failed,
    /// the status and error code, and the first line of the service's message.
    /// </summary>
    private static async Task<T> CallAsync<T>(string operation, string queueName, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException exception)
        {
            var firstLine = exception.Message.Split('\n', 2)[0].Trim();
            var status = exception.Status == 0 ? "no response" : $"{exception.Status} {exception.ErrorCode}";
            throw new QueueTransportException($"could not {operation} queue '{queueName}' ({status}): {firstLine}", exception);
        }
        catch (AggregateException exception)
        {
            // What the SDK throws when every try failed without a response (Azurite not running, say).
            var cause = exception.Flatten().InnerExceptions[^1];
            throw new QueueTransportException($"could not {operation} queue '{queueName}' (no response): {cause.Message}", exception);
        }
    }
}

/// <summary>A storage call that failed, with a one-line message fit for the log.</summary>
public sealed class QueueTransportException : Exception
{
    public QueueTransportException()
    {
    }

    public QueueTransportException(string message)
        : base(message)
    {
    }

    public QueueTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
