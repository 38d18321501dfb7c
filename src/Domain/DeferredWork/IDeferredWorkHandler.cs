using Serverless.Domain.Commands;

namespace Serverless.Domain.DeferredWork;

/// <summary>
/// A process's own part of deferred work, run by <see cref="DeferredWorkRunner"/> once the message is read, in time
/// and not yet done: the Functions worker runs the route's handler and edits the answer, the companion runs the
/// feature's voice work.
/// </summary>
public interface IDeferredWorkHandler
{
    /// <summary>
    /// Throws only when the work should be retried (or with an <see cref="IInteractionGoneError"/> when the interaction
    /// can no longer be answered); work that failed for the user's reasons answers and returns.
    /// </summary>
    Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Answers work the operator controls refused since it was queued (a feature turned off, a guild blocked) with
    /// <paramref name="message"/>, ephemeral, instead of running it. A command's or form's "thinking…" answer is
    /// edited; a clicked component's message is left alone and the user gets an ephemeral follow-up.
    /// </summary>
    Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken);
}

/// <summary>
/// An error that may say the interaction can no longer be answered (Discord forgot it, or its token died). Work that
/// ends in such an error is dropped, not retried: no later try can succeed.
/// </summary>
public interface IInteractionGoneError
{
    bool IsInteractionGone { get; }

    /// <summary>Discord's JSON error code, for the log line.</summary>
    int? ErrorCode { get; }
}

/// <summary>Reads queue text into a <see cref="DeferredCommand"/>; the adapter in Storage owns the wire format.</summary>
public interface IDeferredCommandDecoder
{
    /// <summary>On failure <paramref name="problem"/> says why, for the log line before the message goes to poison; it never quotes the token.</summary>
    bool TryDecode(string text, out DeferredCommand? command, out string? problem);

    /// <summary>
    /// True when <paramref name="text"/> is a smoke probe (<c>bot-ops smoke</c>): it proves the queue is drained and
    /// asks for nothing else. <paramref name="probeId"/> is its short, plain id, the only part worth logging.
    /// </summary>
    bool IsSmokeProbe(string text, out string? probeId);
}
