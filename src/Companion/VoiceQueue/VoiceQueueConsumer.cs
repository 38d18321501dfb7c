using Serverless.Domain.DeferredWork;
using Serverless.Storage.Queues;

namespace Serverless.Companion.VoiceQueue;

/// <summary>
/// The companion's queue trigger for <c>voice</c>: the Functions host does not run it, so the
/// <see cref="PolledQueueReceiver"/> applies the host's queue rules, the <see cref="DeferredWorkRunner"/> the deferred-work
/// rules, and this only carries each message from one to the other and acts on the outcome.
/// </summary>
public sealed partial class VoiceQueueConsumer(
    PolledQueueReceiver receiver,
    DeferredWorkRunner runner,
    IDeferredWorkHandler handler,
    ILogger<VoiceQueueConsumer> logger) : BackgroundService
{
    /// <summary>Whether the last poll reached the queue; null before the first. Health reports storage from it.</summary>
    public bool? IsReachable => receiver.IsReachable;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WorkAsync(await receiver.ReceiveAsync(stoppingToken), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Receives one batch and works it; returns how many messages arrived.</summary>
    internal async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await receiver.ReceiveOnceAsync(cancellationToken);
        await WorkAsync(batch, cancellationToken);
        return batch.Count;
    }

    private Task WorkAsync(IReadOnlyList<ReceivedWorkMessage> batch, CancellationToken cancellationToken) =>
        Task.WhenAll(batch.Select(message => HandleAsync(message, cancellationToken)));

    private async Task HandleAsync(ReceivedWorkMessage message, CancellationToken cancellationToken)
    {
        // Shutting down mid-run throws here: the message becomes visible again and another start picks it up.
        var outcome = await runner.RunAsync(QueueNames.Voice, message.Text, handler, cancellationToken);
        try
        {
            switch (outcome.Result)
            {
                case DeferredWorkResult.Completed or DeferredWorkResult.Skipped:
                    await message.CompleteAsync(cancellationToken);
                    break;
                case DeferredWorkResult.Poison:
                    await message.PoisonAsync(cancellationToken);
                    Log.Poisoned(logger, message.Id, outcome.Reason);
                    break;
                case DeferredWorkResult.Retry when await message.AbandonAsync(cancellationToken):
                    Log.GaveUp(logger, message.Id, message.DequeueCount, outcome.Reason);
                    break;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The work is done or dropped; the message comes back after its visibility timeout and the ledger skips it.
            Log.SettleFailed(logger, exception, message.Id);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7501, Level = LogLevel.Error, Message = "Voice message {MessageId} moved to voice-poison: {Reason}")]
        public static partial void Poisoned(ILogger logger, string messageId, string? reason);

        [LoggerMessage(EventId = 7502, Level = LogLevel.Error, Message = "Voice message {MessageId} failed on delivery {DequeueCount}, the last allowed; moved to voice-poison: {Reason}")]
        public static partial void GaveUp(ILogger logger, string messageId, long dequeueCount, string? reason);

        [LoggerMessage(EventId = 7503, Level = LogLevel.Warning, Message = "Voice message {MessageId} could not be deleted or moved; it will be delivered again")]
        public static partial void SettleFailed(ILogger logger, Exception exception, string messageId);
    }
}
