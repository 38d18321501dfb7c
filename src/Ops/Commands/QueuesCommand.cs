using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands;

/// <summary><c>queues stats|replay-poison</c>: the work queues' depths, and putting poison messages back to work.</summary>
internal static class QueuesCommand
{
    /// <summary>How long a received poison message stays hidden: ample for one batch's sends and deletes.</summary>
    private static readonly TimeSpan ReplayVisibilityTimeout = TimeSpan.FromMinutes(5);

    private const int ReceiveBatchSize = 32;

    private const int ProgressEvery = 50;

    public static Command Create(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error) =>
        new("queues", "Inspect the work queues and replay their poison messages.")
        {
            CreateStats(environment, settings, output, error),
            CreateReplayPoison(environment, settings, output, error),
        };

    private static Command CreateStats(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error)
    {
        var command = new Command(
            "stats",
            "Print the approximate depth of every work queue and of its poison queue. A queue not created yet counts as 0.")
        {
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(error, async () =>
        {
            var account = await OpsSettings.LoadStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            List<string[]> rows = [["queue", "depth", "poison"]];
            foreach (var queue in QueueNames.Work)
            {
                var depth = await DepthAsync(account.Queues.GetQueueClient(queue), cancellationToken);
                var poison = await DepthAsync(account.Queues.GetQueueClient(QueueNames.Poison(queue)), cancellationToken);
                rows.Add([queue, Format(depth), Format(poison)]);
            }

            await TextTable.WriteAsync(output, rows);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateReplayPoison(IReadOnlyDictionary<string, string?> environment, Option<FileInfo?> settings, TextWriter output, TextWriter error)
    {
        var queueArgument = WorkQueueArgument.Create("The work queue whose poison queue (QUEUE-poison) to empty back into it; QUEUE-poison itself names the same.", includePoison: true);
        var max = new Option<int>("--max") { HelpName = "N", Description = "Move at most N messages (at least 1).", DefaultValueFactory = _ => 100 };
        var command = new Command(
            "replay-poison",
            "Move messages from QUEUE-poison back to QUEUE, bodies unchanged, once the cause of their failure is fixed.\n"
            + "Each message is received, sent to QUEUE, then deleted from the poison queue: a crash in between can "
            + "duplicate a message, never lose one. Prints progress every 50 messages.")
        {
            queueArgument, max,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(error, async () =>
        {
            var queue = WorkQueueArgument.ValidateReplaySource(parse.GetValue(queueArgument));
            var limit = parse.GetValue(max);
            if (limit < 1)
            {
                throw new OpsUsageException(string.Create(CultureInfo.InvariantCulture, $"--max must be at least 1, not {limit}."));
            }

            var account = await OpsSettings.LoadStorageAsync(environment, parse.GetValue(settings)?.FullName, cancellationToken);
            var poisonName = QueueNames.Poison(queue);

            // Verbatim: the stored text moves as is, even when it is not the base64 the host expects.
            var poison = account.VerbatimQueues.GetQueueClient(poisonName);
            var work = account.VerbatimQueues.GetQueueClient(queue);

            var moved = await ReplayAsync(poison, work, limit, error, cancellationToken);
            await output.WriteLineAsync(moved == 0
                ? $"Nothing to replay: {poisonName} is empty."
                : $"Moved {Messages(moved)} from {poisonName} to {queue}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static async Task<int> ReplayAsync(QueueClient poison, QueueClient work, int limit, TextWriter progress, CancellationToken cancellationToken)
    {
        var depth = await DepthAsync(poison, cancellationToken);
        if (depth == 0)
        {
            return 0;
        }

        // The depth is approximate, so the total shown never drops below what was already moved.
        var expected = Math.Min(limit, depth);
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
                        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"moved {moved}/{Math.Max(expected, moved)}"));
                    }
                }
            }
        }
        catch when (moved > 0)
        {
            // The guard prints the error line; the operator still needs to know what already moved.
            await progress.WriteLineAsync($"Moved {Messages(moved)} from {poison.Name} to {work.Name} before stopping.");
            throw;
        }

        return moved;
    }

    private static async Task<int> DepthAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Not created yet means nothing was ever queued there.
            return 0;
        }
    }

    private static string Format(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Messages(int count) => count == 1 ? "1 message" : Format(count) + " messages";
}
