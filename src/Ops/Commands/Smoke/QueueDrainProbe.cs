using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Serverless.Storage;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands.Smoke;

/// <summary>
/// Puts a <see cref="SmokeProbeMessage"/> on the <c>interactions</c> queue and waits until the worker has taken it and
/// the host has deleted it. Queues have no "get by id", so the probe's fate is read from its pop receipt: while nobody
/// has taken it, a visibility-only update with that receipt succeeds (and changes nothing: the probe stays visible);
/// once the worker holds it the receipt no longer matches; once it is deleted the message is not found.
/// </summary>
internal sealed class QueueDrainProbe(StorageAccount storage, TimeProvider timeProvider)
{
    public const string QueueName = QueueNames.Interactions;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<SmokeStepOutcome> RunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var correlationId = Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        var queue = storage.Queues.GetQueueClient(QueueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var sent = (await queue.SendMessageAsync(SmokeProbeMessage.Encode(correlationId, timeProvider.GetUtcNow()), cancellationToken)).Value;
        var popReceipt = sent.PopReceipt;
        var taken = false;

        while (true)
        {
            try
            {
                popReceipt = (await queue.UpdateMessageAsync(sent.MessageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken)).Value.PopReceipt;
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                return await PoisonedAsync(correlationId, cancellationToken)
                    ? SmokeStepOutcome.Fail($"probe {correlationId} was refused by the worker and moved to {QueueName}-poison: is the deployed worker older than this CLI?")
                    : SmokeStepOutcome.Pass($"probe {correlationId} drained from {QueueName}");
            }
            catch (RequestFailedException exception) when (exception.Status == 400 && exception.ErrorCode == "PopReceiptMismatch")
            {
                taken = true;
                if (await DeliveriesAsync(queue, sent.MessageId, cancellationToken) is > 0 and var deliveries)
                {
                    // Visible again after a delivery: the worker failed it, and the host will retry it into the poison queue.
                    return SmokeStepOutcome.Fail(string.Create(
                        CultureInfo.InvariantCulture,
                        $"probe {correlationId} came back after {deliveries} delivery(ies): the worker failed it; see its logs and {QueueName}-poison"));
                }
            }

            if (timeProvider.GetElapsedTime(started) >= timeout)
            {
                if (!taken)
                {
                    // Nobody listens: take the probe back so a worker started later does not find a stale one.
                    try
                    {
                        await queue.DeleteMessageAsync(sent.MessageId, popReceipt, CancellationToken.None);
                    }
                    catch (RequestFailedException exception) when (exception.Status is 400 or 404)
                    {
                        // Taken at the last moment: the worker has it now, too late for this run either way.
                    }

                    return SmokeStepOutcome.Fail(string.Create(
                        CultureInfo.InvariantCulture,
                        $"probe {correlationId} not taken from {QueueName} within {timeout.TotalSeconds:0.#} s: is the interaction worker running?"));
                }

                return SmokeStepOutcome.Fail(string.Create(
                    CultureInfo.InvariantCulture,
                    $"probe {correlationId} taken but not finished within {timeout.TotalSeconds:0.#} s: see the worker's logs and {QueueName}-poison"));
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    /// <summary>How often the probe was delivered, when it is visible again; 0 when it is not visible.</summary>
    private static async Task<long> DeliveriesAsync(QueueClient queue, string messageId, CancellationToken cancellationToken)
    {
        var visible = (await queue.PeekMessagesAsync(maxMessages: 32, cancellationToken)).Value;
        return visible.FirstOrDefault(message => message.MessageId == messageId)?.DequeueCount ?? 0;
    }

    /// <summary>Whether the poison queue's first messages hold the probe: a worker that does not know it fails it there.</summary>
    private async Task<bool> PoisonedAsync(string correlationId, CancellationToken cancellationToken)
    {
        var poison = storage.Queues.GetQueueClient(QueueName + QueueNames.PoisonSuffix);
        if (!(await poison.ExistsAsync(cancellationToken)).Value)
        {
            return false;
        }

        var messages = (await poison.PeekMessagesAsync(maxMessages: 32, cancellationToken)).Value;
        return messages.Any(message => message.Body.ToString().Contains(correlationId, StringComparison.Ordinal));
    }
}
