using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;

namespace Serverless.DevHost.Queues;

/// <summary>
/// One queue trigger, with the host's rules: poll in batches, back off while the queue is empty, invoke the
/// function for each message in parallel, delete on success, and on failure either hide the message for
/// <c>visibilityTimeout</c> or, once it has been tried <c>maxDequeueCount</c> times, move it to
/// <c>&lt;queue&gt;-poison</c>. All waiting goes through the <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class QueueListener
{
    /// <summary>The host hides a received message for 10 minutes while it is processed.</summary>
    private static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(10);

    /// <summary>Azure's longest visibility timeout.</summary>
    private static readonly TimeSpan MaxLease = TimeSpan.FromDays(7);

    /// <summary>How long a message left behind at shutdown may take to be released.</summary>
    private static readonly TimeSpan ReleaseOnStopTimeout = TimeSpan.FromSeconds(5);

    private readonly FunctionDefinition _function;
    private readonly QueueTrigger _trigger;
    private readonly QueueTriggerOptions _options;
    private readonly IQueueTransport _transport;
    private readonly IFunctionInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _lease;
    private readonly Lock _inFlightGate = new();
    private readonly HashSet<Task> _inFlight = [];
    private TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _lastStorageError;

    public QueueListener(
        FunctionDefinition function,
        QueueTriggerOptions options,
        IQueueTransport transport,
        IFunctionInvoker invoker,
        TimeSpan? invocationTimeout,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _function = function;
        _trigger = (QueueTrigger)function.Trigger;
        _options = options;
        _transport = transport;
        _invoker = invoker;
        _timeProvider = timeProvider;
        _logger = logger;

        // The message must stay hidden for as long as an invocation may run, or a second copy would start.
        _lease = invocationTimeout is { } timeout && timeout + TimeSpan.FromMinutes(1) > DefaultLease
            ? (timeout + TimeSpan.FromMinutes(1) < MaxLease ? timeout + TimeSpan.FromMinutes(1) : MaxLease)
            : DefaultLease;
    }

    /// <summary>Messages being processed now.</summary>
    public int InFlight
    {
        get
        {
            lock (_inFlightGate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then waits for the messages in flight.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new PollingBackoff(HostConfiguration.MinimumPollingInterval, _options.MaxPollingInterval);
        try
        {
            await EnsureQueueAsync(backoff, cancellationToken);
            while (true)
            {
                // Like the host, fetch the next batch only once few enough messages are still being processed.
                await WaitForCapacityAsync(cancellationToken);

                IReadOnlyList<ReceivedQueueMessage> batch;
                try
                {
                    batch = await _transport.ReceiveMessagesAsync(_trigger.QueueName, _options.BatchSize, _lease, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    await WaitAfterStorageErrorAsync(backoff, exception, cancellationToken);
                    continue;
                }

                _lastStorageError = null;

                if (batch.Count == 0)
                {
                    await Task.Delay(backoff.NextDelay(), _timeProvider, cancellationToken);
                    continue;
                }

                backoff.Reset();
                foreach (var message in batch)
                {
                    Track(ProcessMessageAsync(message, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        Task[] remaining;
        lock (_inFlightGate)
        {
            remaining = [.. _inFlight];
        }

        await Task.WhenAll(remaining);
    }

    /// <summary>Processes one received message to its end: invoked and deleted, hidden again, or moved to poison.</summary>
    internal async Task ProcessMessageAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            // A message received more often than allowed was interrupted before (a crash, a stop): the host
            // moves it to poison when it sees it, without invoking the function again.
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, cancellationToken);
                return;
            }

            InvocationResult result;
            if (Decode(message.MessageText) is { } body)
            {
                var input = TriggerInputs.Queue(
                    _trigger,
                    body,
                    message,
                    _timeProvider.GetUtcNow(),
                    field => Log.MetadataField(_logger, _function.Name, message.MessageId, field));
                Log.Invoking(_logger, _function.Name, message.MessageId, message.DequeueCount);
                result = await _invoker.InvokeAsync(_function.Name, input, cancellationToken);
            }
            else
            {
                result = InvocationResult.Failure($"the message is not valid {_options.MessageEncoding} text; check extensions.queues.messageEncoding against how it was sent");
                Log.DecodeFailed(_logger, _function.Name, message.MessageId, _options.MessageEncoding.ToString());
            }

            if (result.Succeeded)
            {
                await _transport.DeleteMessageAsync(message, cancellationToken);
            }
            else if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, cancellationToken);
            }
            else
            {
                Log.Retrying(_logger, _function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount, _options.VisibilityTimeout);
                await _transport.UpdateVisibilityAsync(message, _options.VisibilityTimeout, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stopping token is cancelled by now; a short limit of its own bounds the release.
            using var timeout = new CancellationTokenSource(ReleaseOnStopTimeout, _timeProvider);
            await ReleaseOnStopAsync(message, timeout.Token);
        }
        catch (Exception exception)
        {
            // A lost pop receipt or a storage fault: the message comes back when its lease ends.
            Log.SettleFailed(_logger, _function.Name, message.MessageId, exception.Message);
        }
    }

    /// <summary>The message body as the queue extension reads it: base64-decoded unless <c>messageEncoding</c> is none.</summary>
    private byte[]? Decode(string messageText)
    {
        if (_options.MessageEncoding == QueueMessageEncoding.None)
        {
            return Encoding.UTF8.GetBytes(messageText);
        }

        var bytes = new byte[messageText.Length];
        return Convert.TryFromBase64String(messageText, bytes, out var written) ? bytes[..written] : null;
    }

    private async Task MoveToPoisonAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        await _transport.CreateQueueIfNotExistsAsync(_trigger.PoisonQueueName, cancellationToken);
        await _transport.SendMessageAsync(_trigger.PoisonQueueName, message.MessageText, cancellationToken);
        await _transport.DeleteMessageAsync(message, cancellationToken);
        Log.MovedToPoison(_logger, _function.Name, message.MessageId, message.DequeueCount, _trigger.PoisonQueueName);
    }

    private async Task ReleaseOnStopAsync(ReceivedQueueMessage message, CancellationToken cancellationToken)
    {
        // Stopping is not the message's fault: show it again at once instead of after the 10-minute lease.
        try
        {
            await _transport.UpdateVisibilityAsync(message, TimeSpan.Zero, cancellationToken);
        }
        catch (Exception exception)
        {
            Log.SettleFailed(_logger, _function.Name, message.MessageId, exception.Message);
        }
    }

    private async Task EnsureQueueAsync(PollingBackoff backoff, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _transport.CreateQueueIfNotExistsAsync(_trigger.QueueName, cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Azurite may still be starting; keep trying rather than give up on the trigger.
                await WaitAfterStorageErrorAsync(backoff, exception, cancellationToken);
            }
        }
    }

    private async Task WaitAfterStorageErrorAsync(PollingBackoff backoff, Exception exception, CancellationToken cancellationToken)
    {
        var delay = backoff.NextDelay();

        // Say it once while the same fault repeats (Azurite down, say), not on every poll.
        if (exception.Message != _lastStorageError)
        {
            _lastStorageError = exception.Message;
            Log.StorageFailed(_logger, _function.Name, _trigger.QueueName, exception.Message);
        }

        await Task.Delay(delay, _timeProvider, cancellationToken);
    }

    private async Task WaitForCapacityAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task slotFreed;
            lock (_inFlightGate)
            {
                if (_inFlight.Count <= _options.NewBatchThreshold)
                {
                    return;
                }

                slotFreed = _slotFreed.Task;
            }

            await slotFreed.WaitAsync(cancellationToken);
        }
    }

    private void Track(Task processing)
    {
        lock (_inFlightGate)
        {
            if (processing.IsCompleted)
            {
                return;
            }

            _inFlight.Add(processing);
        }

        _ = processing.ContinueWith(
            completed =>
            {
                TaskCompletionSource slotFreed;
                lock (_inFlightGate)
                {
                    _inFlight.Remove(completed);
                    slotFreed = _slotFreed;
                    _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                slotFreed.TrySetResult();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "{FunctionName}: invoking for message {MessageId} (dequeue count {DequeueCount})")]
        public static partial void Invoking(ILogger logger, string functionName, string messageId, long dequeueCount);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "{FunctionName}: message {MessageId} failed on try {DequeueCount} of {MaxDequeueCount}; it comes back after {VisibilityTimeout}")]
        public static partial void Retrying(ILogger logger, string functionName, string messageId, long dequeueCount, int maxDequeueCount, TimeSpan visibilityTimeout);

        [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "{FunctionName}: message {MessageId} moved to {PoisonQueue} after {DequeueCount} tries")]
        public static partial void MovedToPoison(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "{FunctionName}: message {MessageId} is not valid {Encoding} text, so the invocation fails (check extensions.queues.messageEncoding against the sender)")]
        public static partial void DecodeFailed(ILogger logger, string functionName, string messageId, string encoding);

        [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "{FunctionName}: polling queue {QueueName} fails, retrying with back-off until it works: {Error}")]
        public static partial void StorageFailed(ILogger logger, string functionName, string queueName, string error);

        [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "{FunctionName}: could not settle message {MessageId}; it comes back when its lease ends: {Error}")]
        public static partial void SettleFailed(ILogger logger, string functionName, string messageId, string error);

        [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "{FunctionName}: message {MessageId} has a field '{Field}' named like trigger metadata; as with the host, the function sees the field's value there (or, for sys, not at all)")]
        public static partial void MetadataField(ILogger logger, string functionName, string messageId, string field);
    }
}

/// <summary>
/// The host's polling back-off: while the queue is empty, wait twice as long each time, from 100 ms up to
/// <c>maxPollingInterval</c>; a received message resets it. (The host adds jitter; we do not, so tests can follow it.)
/// </summary>
internal sealed class PollingBackoff(TimeSpan minimum, TimeSpan maximum)
{
    private TimeSpan _current = TimeSpan.Zero;

    public TimeSpan NextDelay()
    {
        var next = _current == TimeSpan.Zero ? minimum : _current * 2;
        _current = next < maximum ? next : maximum;
        return _current;
    }

    public void Reset() => _current = TimeSpan.Zero;
}
