using Serverless.Domain.Commands;

namespace Serverless.Companion.VoiceQueue;

/// <summary>Does the work of one command taken from the <c>voice</c> queue and edits its answer.</summary>
public interface IVoiceCommandRunner
{
    /// <summary>Throws only when the work should be retried; a command that failed for the user's reasons answers and returns.</summary>
    Task RunAsync(DeferredCommand command, CancellationToken cancellationToken);
}
