using Serverless.Domain.Telemetry;

namespace Serverless.Domain.Commands;

/// <summary>A command acknowledged with "thinking…" whose answer a queue worker edits in later.</summary>
public sealed record DeferredCommand
{
    public required CommandInvocation Invocation { get; init; }

    public required ulong InteractionId { get; init; }

    public required ulong ApplicationId { get; init; }

    /// <summary>Lets the worker edit the answer for 15 minutes. A secret: never logged.</summary>
    public required string InteractionToken { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>The span that enqueued the work, restored by the process that runs it so both are one trace.</summary>
    public QueuedTraceContext Trace { get; init; }
}

/// <summary>Which process does a deferred command's work, and so which queue carries it.</summary>
public enum DeferredWorkQueue
{
    /// <summary>The <c>interactions</c> queue: the Functions app's <c>interaction-worker</c> runs the command.</summary>
    Interactions,

    /// <summary>The <c>voice</c> queue: the companion, which holds the gateway and Lavalink, runs it.</summary>
    Voice,
}

/// <summary>Durably queues deferred commands. The endpoint answers "deferred" only after this succeeds.</summary>
public interface IDeferredCommandQueue
{
    /// <param name="queue">Where the work goes; every queue carries the same message shape.</param>
    Task EnqueueAsync(DeferredCommand command, DeferredWorkQueue queue, CancellationToken cancellationToken);
}

/// <summary>
/// Remembers which interactions a worker has finished, so a redelivered queue message changes nothing
/// the user can see a second time.
/// </summary>
public interface IInteractionLedger
{
    Task<bool> IsCompletedAsync(ulong interactionId, CancellationToken cancellationToken);

    Task MarkCompletedAsync(ulong interactionId, string commandName, CancellationToken cancellationToken);
}
