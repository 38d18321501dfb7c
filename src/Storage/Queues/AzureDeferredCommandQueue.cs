using Azure;
using Azure.Storage.Queues;
using Serverless.Domain.Commands;
using Serverless.Domain.Telemetry;

namespace Serverless.Storage.Queues;

/// <summary>
/// Puts deferred commands on the <c>interactions</c> or the <c>voice</c> queue, in the same message shape, each send in
/// a Producer span "enqueue {queue}" whose context the message carries to the process that runs it.
/// </summary>
public sealed class AzureDeferredCommandQueue(StorageAccount account) : IDeferredCommandQueue
{
    // One client per target, built on first use; indexed by the enum's value.
    private readonly QueueClient?[] _queues = new QueueClient?[Enum.GetValues<DeferredWorkQueue>().Length];

    public async Task EnqueueAsync(DeferredCommand command, DeferredWorkQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var client = Client(queue);
        using var activity = QueueActivities.StartEnqueue(client.Name);
        if (activity is not null)
        {
            var invocation = command.Invocation;
            QueueActivities.SetDimensions(activity, invocation.CorrelationId, invocation.GuildId, InteractionLabels.CommandPath(invocation.CommandName, invocation.Options), feature: null);
            command = command with { Trace = QueuedTraceContext.Capture(activity) };
        }
        else if (command.Trace.TraceParent is not null)
        {
            // Nothing traced this send: the message carries no trace rather than one nobody recorded.
            command = command with { Trace = QueuedTraceContext.None };
        }

        var text = InteractionMessageCodec.Encode(command);
        try
        {
            await client.SendMessageAsync(text, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Infrastructure creates queues in Azure; a fresh Azurite has none. Create once, then retry.
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await client.SendMessageAsync(text, cancellationToken);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    private QueueClient Client(DeferredWorkQueue queue)
    {
        var name = QueueNames.For(queue);
        return _queues[(int)queue] ??= account.Queues.GetQueueClient(name);
    }
}
