namespace Serverless.Domain.Commands;

/// <summary>A command's answer. User text inside it is never allowed to ping anyone.</summary>
public sealed record CommandReply(string Content, bool Ephemeral)
{
    /// <summary>
    /// Set when the answer is a form to fill in rather than a message. Only an inline command can answer so:
    /// Discord accepts a modal neither after deferring nor in answer to a modal.
    /// </summary>
    public ModalPrompt? Modal { get; init; }

    /// <summary>
    /// Buttons under the answer, in rows of up to five; their custom_ids must start with a prefix the feature registered.
    /// Null leaves a clicked message's buttons as they are; empty removes them. A clicked button's ephemeral answer goes
    /// to the member who clicked alone, and the clicked message stays as it is.
    /// </summary>
    public IReadOnlyList<ReplyButton>? Buttons { get; init; }

    public static CommandReply WithModal(ModalPrompt modal) => new("", Ephemeral: false) { Modal = modal };
}

/// <summary>A button under an answer.</summary>
public sealed record ReplyButton(string CustomId, string Label, ReplyButtonStyle Style = ReplyButtonStyle.Secondary);

/// <summary>Discord's button styles (link buttons excepted).</summary>
public enum ReplyButtonStyle
{
    Primary = 1,
    Secondary = 2,
    Success = 3,
    Danger = 4,
}
