using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace Serverless.Storage.Queues;

/// <summary>How a <see cref="PolledQueueReceiver"/> reads its queue.</summary>
public sealed record PolledQueueSettings
{
    /// <summary>Messages received at once (at most 32, the queue service's limit).</summary>
    public required int BatchSize { get; init; }

    /// <summary>How long a received message stays hidden; unless completed or poisoned it comes back after this.</summary>
    public required TimeSpan VisibilityTimeout { get; init; }

    /// <summary>Deliveries after which a failing message goes to the poison queue, as the Functions host does.</summary>
    public required int MaxDequeueCount { get; init; }

    /// <summary>The longest wait between polls of an empty (or unreachable) queue; polling backs off towards it.</summary>
    public required TimeSpan MaxPollInterval { get; init; }
}

/// <summary>
/// A queue trigger for a process the Functions host does not run, with the host's rules: a message is deleted only
/// when completed, comes back after the visibility timeout when abandoned, and goes to the <c>-poison</c> twin when
/// poisoned or abandoned on its last allowed delivery. Creates the queue when it is missing.
/// </summary>
public sealed partial class PolledQueueReceiver(
    StorageAccount account,
    IPoisonQueue poison,
    string queueName,
    PolledQueueSettings settings,
    TimeProvider timeProvider,
    ILogger<PolledQueueReceiver> logger)
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(100);

    private QueueClient? _queue;
    private TimeSpan _idle = MinPollInterval;

    public string QueueName => queueName;

    /// <summary>Whether the last poll reached the queue; null before the first.</summary>
    public bool? IsReachable { get; private set; }

    /// <summary>
    /// Waits until a batch arrives, polling straight away while the queue has work and backing off towards
    /// <see cref="PolledQueueSettings.MaxPollInterval"/> while it is empty or unreachable.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedWorkMessage>> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<ReceivedWorkMessage> batch;
            try
            {
                batch = await ReceiveOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                IsReachable = false;
                Log.PollFailed(logger, exception, queueName);
                batch = [];
            }

            if (batch.Count > 0)
            {
                _idle = MinPollInterval;
                return batch;
            }

            _idle = TimeSpan.FromTicks(Math.Min(_idle.Ticks * 2, settings.MaxPollInterval.Ticks));
            await Task.Delay(_idle, timeProvider, cancellationToken);
        }
    }

    /// <summary>Receives one batch, possibly empty; on a fresh account creates the queue first.</summary>
    public async Task<IReadOnlyList<ReceivedWorkMessage>> ReceiveOnceAsync(CancellationToken cancellationToken)
    {
        var queue = _queue ??= account.Queues.GetQueueClient(queueName);
        QueueMessage[] messages;
        try
        {
            messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, settings.VisibilityTimeout, cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Nothing has been queued yet on a fresh account.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            IsReachable = true;
            return [];
        }

        IsReachable = true;
        return [.. messages.Select(message => new ReceivedWorkMessage(this, queue, message))];
    }

    internal bool IsLastDelivery(QueueMessage message) => message.DequeueCount >= settings.MaxDequeueCount;

    internal async Task PoisonAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        // Copied before the delete: a crash between the two leaves a duplicate in poison, never a lost message.
        await poison.SendAsync(queueName, message.MessageText, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Reading queue {Queue} failed; retrying")]
        public static partial void PollFailed(ILogger logger, Exception exception, string queue);
    }
}

/// <summary>One delivery of a message taken by a <see cref="PolledQueueReceiver"/>; exactly one of its ends is called.</summary>
public sealed class ReceivedWorkMessage
{
    private readonly PolledQueueReceiver _receiver;
    private readonly QueueClient _queue;
    private readonly QueueMessage _message;

    internal ReceivedWorkMessage(PolledQueueReceiver receiver, QueueClient queue, QueueMessage message)
    {
        _receiver = receiver;
        _queue = queue;
        _message = message;
    }

    public string Text => _message.MessageText;

    public string Id => _message.MessageId;

    /// <summary>How often the message has been delivered, this delivery included.</summary>
    public long DequeueCount => _message.DequeueCount;

    /// <summary>The work is done (or there is none): the message is deleted.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken) =>
        await _queue.DeleteMessageAsync(_message.MessageId, _message.PopReceipt, cancellationToken);

    /// <summary>No delivery can succeed: the message moves, verbatim, to the poison queue now.</summary>
    public Task PoisonAsync(CancellationToken cancellationToken) => _receiver.PoisonAsync(_queue, _message, cancellationToken);

    /// <summary>
    /// The work failed: the message comes back after the visibility timeout, or, on its last allowed delivery, moves to
    /// the poison queue. Returns whether it was poisoned.
    /// </summary>
    public async Task<bool> AbandonAsync(CancellationToken cancellationToken)
    {
        if (!_receiver.IsLastDelivery(_message))
        {
            return false;
        }

        await _receiver.PoisonAsync(_queue, _message, cancellationToken);
        return true;
    }
}
