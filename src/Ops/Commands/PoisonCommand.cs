using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands;

/// <summary>
/// <c>queues poison peek|replay|delete|purge QUEUE</c>: the messages the host gave up on, parked in <c>QUEUE-poison</c>.
/// Every one takes the work queue or its poison twin (<c>posts</c> or <c>posts-poison</c>), completed from the names the
/// code knows. All read and write the stored text verbatim, so a message that is not valid base64 is handled too.
/// </summary>
internal static class PoisonCommand
{
    /// <summary>How long a received poison message stays hidden during a replay: ample for one batch's sends and deletes.</summary>
    private static readonly TimeSpan ReplayVisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>How long messages stay hidden while <c>delete</c> looks for one; they are made visible again at once after.</summary>
    private static readonly TimeSpan SearchVisibilityTimeout = TimeSpan.FromSeconds(30);

    private const int ReceiveBatchSize = 32;

    private const int ProgressEvery = 50;

    private const string QueueDescription = "The work queue whose poison queue (QUEUE-poison) to work on; QUEUE-poison itself names the same.";

    public static Command Create(OpsContext context) =>
        new("poison", "The poison queues: messages the bot failed to process five times, parked as they were.")
        {
            CreatePeek(context),
            CreateReplay(context, "replay"),
            CreateDelete(context),
            CreatePurge(context),
        };

    private static Command CreatePeek(OpsContext context)
    {
        var queueArgument = WorkQueueArgument.Create(QueueDescription, includePoison: true);
        var max = new Option<int>("--max") { HelpName = "N", Description = "Show at most N messages (1 to 32).", DefaultValueFactory = _ => 10 };
        var command = new Command(
            "peek",
            "Show the first messages of QUEUE-poison without taking them: id, inserted (UTC), dequeue count, the envelope's "
            + "kind, command, correlation id and guild when readable, and a short preview of the body with tokens REDACTED.")
        {
            queueArgument, max,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var queue = WorkQueueArgument.ValidateReplaySource(parse.GetValue(queueArgument));
            var limit = parse.GetValue(max);
            if (limit is < 1 or > ReceiveBatchSize)
            {
                throw new OpsUsageException(string.Create(CultureInfo.InvariantCulture, $"--max must be from 1 to 32, not {limit}."));
            }

            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var poisonName = QueueNames.Poison(queue);
            var poison = account.VerbatimQueues.GetQueueClient(poisonName);
            var depth = await QueuesCommand.DepthAsync(poison, cancellationToken);
            var messages = depth == 0 ? [] : await PeekAsync(poison, limit, cancellationToken);
            var peeked = messages.Select(message =>
            {
                var preview = PoisonPreview.Read(message.Body.ToString());
                return new PeekedJson(
                    message.MessageId,
                    message.InsertedOn,
                    message.DequeueCount,
                    preview.Kind,
                    preview.Command,
                    preview.CorrelationId,
                    preview.GuildId,
                    preview.Preview);
            }).ToList();

            await context.WriteResultAsync(parse, new PeekResult(poisonName, depth, peeked), async output =>
            {
                if (peeked.Count == 0)
                {
                    await output.WriteLineAsync($"{poisonName} is empty.");
                    return;
                }

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{poisonName}: the first {peeked.Count} of about {depth} messages."));
                foreach (var message in peeked)
                {
                    var inserted = message.Inserted?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{message.Id}  {inserted}  dequeued {message.DequeueCount}  kind={message.Kind ?? "-"} command={message.Command ?? "-"} correlation={message.CorrelationId ?? "-"} guild={message.GuildId ?? "-"}"));
                    await output.WriteLineAsync("    " + message.Preview);
                }
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary><c>queues poison replay</c>, and under <paramref name="name"/> <c>replay-poison</c>, its older name.</summary>
    public static Command CreateReplay(OpsContext context, string name)
    {
        var queueArgument = WorkQueueArgument.Create("The work queue whose poison queue (QUEUE-poison) to empty back into it; QUEUE-poison itself names the same.", includePoison: true);
        var max = new Option<int>("--max") { HelpName = "N", Description = "Move at most N messages (at least 1).", DefaultValueFactory = _ => 100 };
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            name,
            "Move messages from QUEUE-poison back to QUEUE, bodies unchanged, once the cause of their failure is fixed.\n"
            + "Each message is received, sent to QUEUE, then deleted from the poison queue: a crash in between can "
            + "duplicate a message, never lose one. Prints progress every 50 messages. Asks for confirmation (or --yes); "
            + "--dry-run says how many would move.")
        {
            queueArgument, max,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var queue = WorkQueueArgument.ValidateReplaySource(parse.GetValue(queueArgument));
            var limit = parse.GetValue(max);
            if (limit < 1)
            {
                throw new OpsUsageException(string.Create(CultureInfo.InvariantCulture, $"--max must be at least 1, not {limit}."));
            }

            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var poisonName = QueueNames.Poison(queue);

            // Verbatim: the stored text moves as is, even when it is not the base64 the host expects.
            var poison = account.VerbatimQueues.GetQueueClient(poisonName);
            var work = account.VerbatimQueues.GetQueueClient(queue);
            var depth = await QueuesCommand.DepthAsync(poison, cancellationToken);
            var expected = Math.Min(limit, depth);
            if (confirmation.IsDryRun(parse))
            {
                await context.WriteResultAsync(parse, new ReplayResult(true, poisonName, queue, expected), output =>
                    output.WriteLineAsync(expected == 0
                        ? $"Dry run: nothing to replay, {poisonName} is empty."
                        : $"Dry run: would move {QueuesCommand.Messages(expected)} from {poisonName} to {queue}; nothing changed."));
                return ExitCodes.Ok;
            }

            if (depth > 0 && !await confirmation.ConfirmAsync(parse, context, $"move {QueuesCommand.Messages(expected)} from {poisonName} back to {queue}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            var moved = depth == 0 ? 0 : await ReplayAsync(poison, work, limit, expected, context.Error, cancellationToken);
            await context.WriteResultAsync(parse, new ReplayResult(false, poisonName, queue, moved), output =>
                output.WriteLineAsync(moved == 0
                    ? $"Nothing to replay: {poisonName} is empty."
                    : $"Moved {QueuesCommand.Messages(moved)} from {poisonName} to {queue}."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateDelete(OpsContext context)
    {
        var queueArgument = WorkQueueArgument.Create(QueueDescription, includePoison: true);
        var messageId = new Argument<string>("MESSAGE_ID") { Description = "The message's id, as 'queues poison peek' shows it." };
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "delete",
            "Delete one message from QUEUE-poison. Messages are received (hidden for up to 30 s, their dequeue count raised) "
            + "until it is found, then the others are made visible again. Asks for confirmation (or --yes).")
        {
            queueArgument, messageId,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var queue = WorkQueueArgument.ValidateReplaySource(parse.GetValue(queueArgument));
            var id = parse.GetValue(messageId);
            if (string.IsNullOrWhiteSpace(id))
            {
                throw new OpsUsageException("MESSAGE_ID is empty: give the id 'queues poison peek' shows.");
            }

            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var poisonName = QueueNames.Poison(queue);
            var poison = account.VerbatimQueues.GetQueueClient(poisonName);
            if (confirmation.IsDryRun(parse))
            {
                // Peeking changes nothing; receiving would raise dequeue counts, so a dry run looks only at the first 32.
                var visible = (await QueuesCommand.DepthAsync(poison, cancellationToken)) > 0
                    && (await PeekAsync(poison, ReceiveBatchSize, cancellationToken)).Any(message => message.MessageId == id);
                await context.WriteResultAsync(parse, new DeleteResult(true, poisonName, id, visible), output =>
                    output.WriteLineAsync(visible
                        ? $"Dry run: would delete message {id} from {poisonName}; nothing changed."
                        : $"Dry run: would look for message {id} in {poisonName} (not among its first 32) and delete it; nothing changed."));
                return ExitCodes.Ok;
            }

            if (!await confirmation.ConfirmAsync(parse, context, $"delete message {id} from {poisonName}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            if (!await DeleteAsync(poison, id, cancellationToken))
            {
                throw new OpsUsageException($"Message {id} not found in {poisonName}.");
            }

            await context.WriteResultAsync(parse, new DeleteResult(false, poisonName, id, true), output =>
                output.WriteLineAsync($"Deleted message {id} from {poisonName}."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreatePurge(OpsContext context)
    {
        var queueArgument = WorkQueueArgument.Create(QueueDescription, includePoison: true);
        var confirmation = new Confirmation();
        var command = confirmation.AddTo(new Command(
            "purge",
            "Delete every message of QUEUE-poison, once they are known to be worthless (peek them first). Counts them, "
            + "then asks for confirmation (or --yes); --dry-run only counts.")
        {
            queueArgument,
        });
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var queue = WorkQueueArgument.ValidateReplaySource(parse.GetValue(queueArgument));
            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var poisonName = QueueNames.Poison(queue);
            var poison = account.VerbatimQueues.GetQueueClient(poisonName);
            var depth = await QueuesCommand.DepthAsync(poison, cancellationToken);
            if (confirmation.IsDryRun(parse) || depth == 0)
            {
                var dryRun = confirmation.IsDryRun(parse);
                await context.WriteResultAsync(parse, new PurgeResult(dryRun, poisonName, depth), output =>
                    output.WriteLineAsync(depth == 0
                        ? $"Nothing to purge: {poisonName} is empty."
                        : $"Dry run: would delete {QueuesCommand.Messages(depth)} from {poisonName}; nothing changed."));
                return ExitCodes.Ok;
            }

            if (!await confirmation.ConfirmAsync(parse, context, $"delete all {QueuesCommand.Messages(depth)} from {poisonName}", cancellationToken))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            await poison.ClearMessagesAsync(cancellationToken);
            await context.WriteResultAsync(parse, new PurgeResult(false, poisonName, depth), output =>
                output.WriteLineAsync($"Deleted {QueuesCommand.Messages(depth)} from {poisonName}."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static async Task<PeekedMessage[]> PeekAsync(QueueClient poison, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return (await poison.PeekMessagesAsync(limit, cancellationToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            return [];
        }
    }

    /// <summary>
    /// Receives until <paramref name="id"/> turns up (a delete needs the pop receipt only a receive gives), deletes it,
    /// and makes every other message received on the way visible again.
    /// </summary>
    private static async Task<bool> DeleteAsync(QueueClient poison, string id, CancellationToken cancellationToken)
    {
        var hidden = new List<QueueMessage>();
        try
        {
            while (true)
            {
                QueueMessage[] batch;
                try
                {
                    batch = (await poison.ReceiveMessagesAsync(ReceiveBatchSize, SearchVisibilityTimeout, cancellationToken)).Value;
                }
                catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
                {
                    return false;
                }

                if (batch.Length == 0)
                {
                    return false;
                }

                // Every other message of the batch, before or after the one sought, was hidden by this receive too.
                hidden.AddRange(batch.Where(message => message.MessageId != id));
                if (batch.FirstOrDefault(message => message.MessageId == id) is { } found)
                {
                    await poison.DeleteMessageAsync(found.MessageId, found.PopReceipt, cancellationToken);
                    return true;
                }
            }
        }
        finally
        {
            foreach (var message in hidden)
            {
                try
                {
                    // Back in view now rather than when the search's visibility timeout ends.
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
                }
                catch (RequestFailedException)
                {
                    // It comes back by itself within the search's visibility timeout.
                }
            }
        }
    }

    private static async Task<int> ReplayAsync(QueueClient poison, QueueClient work, int limit, int expected, TextWriter progress, CancellationToken cancellationToken)
    {
        var moved = 0;
        try
        {
            await work.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            while (moved < limit)
            {
                var batch = (await poison.ReceiveMessagesAsync(Math.Min(ReceiveBatchSize, limit - moved), ReplayVisibilityTimeout, cancellationToken)).Value;
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    // Send before delete: a failure in between leaves the message in both queues, never in neither.
                    await work.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    moved++;
                    if (moved % ProgressEvery == 0)
                    {
                        // The depth is approximate, so the total shown never drops below what was already moved.
                        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"moved {moved}/{Math.Max(expected, moved)}"));
                    }
                }
            }
        }
        catch when (moved > 0)
        {
            // The guard prints the error line; the operator still needs to know what already moved.
            await progress.WriteLineAsync($"Moved {QueuesCommand.Messages(moved)} from {poison.Name} to {work.Name} before stopping.");
            throw;
        }

        return moved;
    }

    private sealed record PeekedJson(string Id, DateTimeOffset? Inserted, long DequeueCount, string? Kind, string? Command, string? CorrelationId, string? GuildId, string Preview);

    private sealed record PeekResult(string Queue, int ApproximateCount, IReadOnlyList<PeekedJson> Messages);

    /// <param name="Moved">How many moved; on a dry run, how many would.</param>
    private sealed record ReplayResult(bool DryRun, string From, string To, int Moved);

    private sealed record DeleteResult(bool DryRun, string Queue, string MessageId, bool Found);

    /// <param name="Deleted">About how many were deleted (the queue's approximate count); on a dry run, would be.</param>
    private sealed record PurgeResult(bool DryRun, string Queue, int Deleted);
}
