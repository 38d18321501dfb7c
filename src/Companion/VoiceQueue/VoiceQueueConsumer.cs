using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Storage;
using Serverless.Storage.Queues;

namespace Serverless.Companion.VoiceQueue;

/// <summary>
/// The companion's own queue trigger for <c>voice</c>: the Functions host does not run it, so the rules the host
/// applies to its queues are applied here: a message is deleted only after its work is done, comes back after the
/// visibility timeout when the work failed, and moves to <c>voice-poison</c> after too many deliveries or at once when
/// it cannot be read. Interactions already answered are skipped, so a redelivery changes nothing.
/// </summary>
public sealed partial class VoiceQueueConsumer(
    StorageAccount account,
    IVoiceCommandRunner runner,
    IInteractionLedger ledger,
    IOptions<VoiceQueueOptions> options,
    TimeProvider timeProvider,
    ILogger<VoiceQueueConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly VoiceQueueOptions _options = options.Value;
    private QueueClient? _queue;
    private QueueClient? _poison;

    /// <summary>Whether the last poll reached the queue; null before the first. Health reports storage from it.</summary>
    public bool? IsReachable { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _queue = account.Queues.GetQueueClient(QueueNames.Voice);
        _poison = account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Voice));
        var idle = MinPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await PollOnceAsync(stoppingToken);
                IsReachable = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                IsReachable = false;
                Log.PollFailed(logger, exception);
                received = 0;
            }

            // Back off while the queue is empty (or unreachable); come straight back while it has work.
            idle = received > 0 ? MinPollInterval : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaxPollInterval.Ticks));
            if (received == 0)
            {
                try
                {
                    await Task.Delay(idle, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Receives one batch and works it; returns how many messages arrived.</summary>
    internal async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var queue = _queue ??= account.Queues.GetQueueClient(QueueNames.Voice);
        QueueMessage[] messages;
        try
        {
            messages = (await queue.ReceiveMessagesAsync(_options.BatchSize, _options.VisibilityTimeout, cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Nothing has been queued yet on a fresh account.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return 0;
        }

        await Task.WhenAll(messages.Select(message => HandleAsync(queue, message, cancellationToken)));
        return messages.Length;
    }

    private async Task HandleAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var text = message.MessageText;
        if (!InteractionMessageCodec.TryDecode(text, out var command, out var problem))
        {
            Log.Unreadable(logger, message.MessageId, problem!);
            await MoveToPoisonAsync(queue, message, cancellationToken);
            return;
        }

        var invocation = command!.Invocation;
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = invocation.CorrelationId,
            ["GuildId"] = invocation.GuildId,
            ["Feature"] = invocation.CommandName,
        });

        var age = timeProvider.GetUtcNow() - command.EnqueuedAt;
        if (age > _options.DeferredWorkDeadline)
        {
            // Its token is dead or about to be: running it would only earn 10062 errors.
            Log.TooOld(logger, invocation.CommandName, invocation.CorrelationId, age.TotalSeconds);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return;
        }

        try
        {
            if (await ledger.IsCompletedAsync(command.InteractionId, cancellationToken))
            {
                Log.AlreadyDone(logger, invocation.CommandName, invocation.CorrelationId);
            }
            else
            {
                await runner.RunAsync(command, cancellationToken);
                await ledger.MarkCompletedAsync(command.InteractionId, invocation.CommandName, cancellationToken);
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the message becomes visible again and another start picks it up.
            throw;
        }
        catch (Exception exception)
        {
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                Log.GivingUp(logger, exception, invocation.CommandName, invocation.CorrelationId, message.DequeueCount);
                await MoveToPoisonAsync(queue, message, cancellationToken);
            }
            else
            {
                Log.WillRetry(logger, exception, invocation.CommandName, invocation.CorrelationId, message.DequeueCount);
            }
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var poison = _poison ??= account.Queues.GetQueueClient(QueueNames.Poison(QueueNames.Voice));
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.MessageText, cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Reading the voice queue failed; retrying")]
        public static partial void PollFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Voice message {MessageId} cannot be read ({Problem}); moved to voice-poison")]
        public static partial void Unreadable(ILogger logger, string messageId, string problem);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Dropped /{Command} ({CorrelationId}): queued {AgeSeconds:F0} s ago, past the interaction token's lifetime")]
        public static partial void TooOld(ILogger logger, string command, string correlationId, double ageSeconds);

        [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "/{Command} ({CorrelationId}) was already answered; redelivery skipped")]
        public static partial void AlreadyDone(ILogger logger, string command, string correlationId);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "/{Command} ({CorrelationId}) failed on delivery {DequeueCount}; moved to voice-poison")]
        public static partial void GivingUp(ILogger logger, Exception exception, string command, string correlationId, long dequeueCount);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "/{Command} ({CorrelationId}) failed on delivery {DequeueCount}; it will be retried")]
        public static partial void WillRetry(ILogger logger, Exception exception, string command, string correlationId, long dequeueCount);
    }
}
