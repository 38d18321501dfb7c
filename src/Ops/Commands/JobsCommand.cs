using System.CommandLine;

namespace Serverless.Ops.Commands;

/// <summary><c>jobs send</c>: puts one hand-written job on a work queue.</summary>
internal static class JobsCommand
{
    public static Command Create(OpsContext context) =>
        new("jobs", "Enqueue one-off jobs.")
        {
            CreateSend(context),
        };

    private static Command CreateSend(OpsContext context)
    {
        var queueArgument = WorkQueueArgument.Create("The work queue to send the job to; created if it does not exist.");
        var json = new Option<string>("--json")
        {
            HelpName = "JSON|@FILE",
            Description = "The job as a JSON object, or @FILE to read it from a file.",
            Required = true,
        };
        var command = new Command(
            "send",
            "Send one job to QUEUE and print its correlation id. The CLI sets correlationId to a fresh id (replacing any given), "
            + "and v (1) and enqueuedAt (now, UTC) when absent.")
        {
            queueArgument, json,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandGuard.RunAsync(context.Error, async () =>
        {
            var queue = WorkQueueArgument.Validate(parse.GetValue(queueArgument));
            var text = await ReadJsonAsync(parse.GetValue(json)!, cancellationToken);
            var now = context.TimeProvider.GetUtcNow();
            var correlationId = Guid.CreateVersion7(now).ToString("N");
            var message = JobMessage.Create(text, correlationId, now);

            var account = await context.LoadStorageAsync(parse, cancellationToken);
            var client = account.Queues.GetQueueClient(queue);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await client.SendMessageAsync(message, cancellationToken);

            await context.WriteResultAsync(parse, new SendResult(queue, correlationId), output =>
                output.WriteLineAsync($"Sent job {correlationId} to {queue}."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private sealed record SendResult(string Queue, string CorrelationId);

    private static async Task<string> ReadJsonAsync(string value, CancellationToken cancellationToken)
    {
        if (!value.StartsWith('@'))
        {
            return value;
        }

        if (value.Length == 1)
        {
            throw new OpsUsageException("--json @ needs a file name: --json @job.json.");
        }

        var path = Path.GetFullPath(value[1..]);
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new OpsUsageException($"Cannot read {path}: {exception.Message}");
        }
    }
}
