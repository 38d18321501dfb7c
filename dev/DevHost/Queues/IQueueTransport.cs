namespace Serverless.DevHost.Queues;

/// <summary>
/// The few storage-queue operations a queue trigger needs, so that the trigger's rules (batching, visibility,
/// poison) can be tested without Azure Storage. Message text is passed as stored: no encoding is applied here.
/// </summary>
public interface IQueueTransport
{
    Task CreateQueueIfNotExistsAsync(string queueName, CancellationToken cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/> visible messages and hides them for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    Task DeleteMessageAsync(ReceivedQueueMessage message, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again after <paramref name="visibilityTimeout"/>.</summary>
    Task UpdateVisibilityAsync(ReceivedQueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Adds a message whose stored text is <paramref name="messageText"/>, unchanged.</summary>
    Task SendMessageAsync(string queueName, string messageText, CancellationToken cancellationToken);
}

/// <summary>
/// A message as received: its stored text, how many times it has been received (this time included) and the
/// receipt that the next delete or update must present.
/// </summary>
public sealed record ReceivedQueueMessage(
    string QueueName,
    string MessageId,
    string PopReceipt,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? ExpiresOn,
    DateTimeOffset? NextVisibleOn);
