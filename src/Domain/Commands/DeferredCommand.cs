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
}

/// <summary>Durably queues deferred commands. The endpoint answers "deferred" only after this succeeds.</summary>
public interface IDeferredCommandQueue
{
    Task EnqueueAsync(DeferredCommand command, CancellationToken cancellationToken);
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
