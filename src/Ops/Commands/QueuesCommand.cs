using System.CommandLine;
using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Serverless.Storage.Queues;

namespace Serverless.Ops.Commands;

/// <summary>
/// <c>queues stats</c> and <c>queues poison peek|replay|delete|purge</c>: the work queues' depths, and what to do with
/// the messages parked in their poison queues. <c>queues replay-poison</c> is the older name of <c>queues poison replay</c>.
/// </summary>
internal static class QueuesCommand
{
    public static Command Create(OpsContext context) =>
        new(
            "queues",
            "Inspect the work queues, and look at, replay, delete or purge their poison messages ('queues poison ...'). "
            + "'queues replay-poison' is the same as 'queues poison replay'.")
        {
            CreateStats(context),
            PoisonCommand.CreateReplay(context, "replay-poison"),
            PoisonCommand.Create(context),
        };

    private static Command CreateStats(OpsContext context)
    {
        var command = new Command(
            "stats",
            "Print the approximate depth of every work queue and of its poison queue. A queue not created yet counts as 0.");
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var depths = new List<QueueDepth>();
            foreach (var queue in QueueNames.Work)
            {
                var depth = await DepthAsync(account.Queues.GetQueueClient(queue), cancellationToken);
                var poison = await DepthAsync(account.Queues.GetQueueClient(QueueNames.Poison(queue)), cancellationToken);
                depths.Add(new QueueDepth(queue, depth, poison));
            }

            await context.WriteResultAsync(parse, new StatsResult(depths), output =>
            {
                List<string[]> rows = [["queue", "depth", "poison"]];
                rows.AddRange(depths.Select(depth => new[] { depth.Name, Format(depth.Depth), Format(depth.Poison) }));
                return TextTable.WriteAsync(output, rows);
            });
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>The approximate number of messages in <paramref name="queue"/>; 0 for a queue not created yet.</summary>
    internal static async Task<int> DepthAsync(QueueClient queue, CancellationToken cancellationToken)
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

    internal static string Format(int count) => count.ToString(CultureInfo.InvariantCulture);

    internal static string Messages(int count) => count == 1 ? "1 message" : Format(count) + " messages";

    private sealed record QueueDepth(string Name, int Depth, int Poison);

    private sealed record StatsResult(IReadOnlyList<QueueDepth> Queues);
}
