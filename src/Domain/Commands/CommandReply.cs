namespace Serverless.Domain.Commands;

/// <summary>A command's answer. User text inside it is never allowed to ping anyone.</summary>
public sealed record CommandReply(string Content, bool Ephemeral)
{
    /// <summary>
    /// Set when the answer is a form to fill in rather than a message. Only an inline command can answer so:
    /// Discord accepts a modal neither after deferring nor in answer to a modal.
    /// </summary>
    public ModalPrompt? Modal { get; init; }

    public static CommandReply WithModal(ModalPrompt modal) => new("", Ephemeral: false) { Modal = modal };
}
