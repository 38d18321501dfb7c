namespace Serverless.Domain.Commands;

/// <summary>Answers the modals one command opened, found by <see cref="CommandRouter"/> from the submitted custom_id.</summary>
public interface IModalHandler
{
    /// <summary>Every custom_id this handler writes starts with it; no other handler's prefix may start the same way.</summary>
    string CustomIdPrefix { get; }

    ValueTask<CommandReply> SubmitAsync(ModalSubmission submission, CancellationToken cancellationToken);
}
