namespace Serverless.DevHost.Queues;

/// <summary>
/// Storage queues in memory, with Azure's rules: a received message is hidden for its visibility timeout, its
/// dequeue count grows on every receive, and only the latest pop receipt may delete or update it. Time comes
/// from a <see cref="TimeProvider"/>, so tests can move a fake clock past visibility timeouts.
/// </summary>
public sealed class InMemoryQueueTransport : IQueueTransport
{
    /// <summary>Azure's default time-to-live for a message.</summary>
    private static readonly TimeSpan TimeToLive = TimeSpan.FromDays(7);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Entry>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _receiveCalls = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InMemoryQueueTransport(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public Task CreateQueueIfNotExistsAsync(string queueName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_queues.ContainsKey(queueName))
            {
                _queues[queueName] = [];
                SignalChange();
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Azure's limits, so a test cannot pass here with a call the real service rejects.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, TimeToLive);
        var now = _timeProvider.GetUtcNow();
        var received = new List<ReceivedQueueMessage>();
        lock (_gate)
        {
            var queue = GetQueue(queueName);
            queue.RemoveAll(entry => entry.ExpiresOn <= now);
            foreach (var entry in queue.Where(entry => entry.NextVisibleOn <= now).Take(maxMessages))
            {
                entry.DequeueCount++;
                entry.PopReceipt = NewPopReceipt();
                entry.NextVisibleOn = now + visibilityTimeout;
                received.Add(entry.ToReceived(queueName));
            }

            _receiveCalls[queueName] = _receiveCalls.GetValueOrDefault(queueName) + 1;
            SignalChange();
        }

        return Task.FromResult<IReadOnlyList<ReceivedQueueMessage>>(received);
    }

    public Task DeleteMessageAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            GetQueue(message.QueueName).Remove(GetLeased(message));
            SignalChange();
        }

        return Task.CompletedTask;
    }

    public Task UpdateVisibilityAsync(ReceivedQueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, TimeToLive);
        lock (_gate)
        {
            var entry = GetLeased(message);
            entry.NextVisibleOn = _timeProvider.GetUtcNow() + visibilityTimeout;
            entry.PopReceipt = NewPopReceipt();
            SignalChange();
        }

        return Task.CompletedTask;
    }

    public Task SendMessageAsync(string queueName, string messageText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            GetQueue(queueName).Add(new Entry(Guid.NewGuid().ToString(), messageText, now, now + TimeToLive) { NextVisibleOn = now });
            SignalChange();
        }

        return Task.CompletedTask;
    }

    /// <summary>Every message of a queue, visible or not (none if the queue does not exist).</summary>
    public IReadOnlyList<StoredQueueMessage> GetMessages(string queueName)
    {
        lock (_gate)
        {
            return _queues.TryGetValue(queueName, out var queue)
                ? [.. queue.Select(entry => new StoredQueueMessage(entry.Id, entry.Text, entry.DequeueCount, entry.InsertedOn, entry.NextVisibleOn))]
                : [];
        }
    }

    public bool QueueExists(string queueName)
    {
        lock (_gate)
        {
            return _queues.ContainsKey(queueName);
        }
    }

    /// <summary>How many times <see cref="ReceiveMessagesAsync"/> was called for a queue: a poll count, for tests.</summary>
    public int GetReceiveCount(string queueName)
    {
        lock (_gate)
        {
            return _receiveCalls.GetValueOrDefault(queueName);
        }
    }

    /// <summary>Completes once <paramref name="condition"/> holds, checking again after every change to any queue.</summary>
    public async Task WaitUntilAsync(Func<InMemoryQueueTransport, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private List<Entry> GetQueue(string queueName) =>
        _queues.TryGetValue(queueName, out var queue)
            ? queue
            : throw new InvalidOperationException($"Queue '{queueName}' does not exist.");

    private Entry GetLeased(ReceivedQueueMessage message) =>
        GetQueue(message.QueueName).Find(entry => entry.Id == message.MessageId && entry.PopReceipt == message.PopReceipt)
            ?? throw new InvalidOperationException($"Message '{message.MessageId}' in queue '{message.QueueName}' was not found, or its pop receipt is stale.");

    private void SignalChange()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private static string NewPopReceipt() => Convert.ToBase64String(Guid.NewGuid().ToByteArray());

    private sealed class Entry(string id, string text, DateTimeOffset insertedOn, DateTimeOffset expiresOn)
    {
        public string Id { get; } = id;

        public string Text { get; } = text;

        public DateTimeOffset InsertedOn { get; } = insertedOn;

        public DateTimeOffset ExpiresOn { get; } = expiresOn;

        public DateTimeOffset NextVisibleOn { get; set; }

        public long DequeueCount { get; set; }

        public string? PopReceipt { get; set; }

        public ReceivedQueueMessage ToReceived(string queueName) =>
            new(queueName, Id, PopReceipt!, Text, DequeueCount, InsertedOn, ExpiresOn, NextVisibleOn);
    }
}

/// <summary>A message as the in-memory queue holds it, for tests to inspect.</summary>
public sealed record StoredQueueMessage(string MessageId, string MessageText, long DequeueCount, DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn);
