namespace Serverless.Domain.Commands;

/// <summary>
/// A form Discord shows over the chat (a modal). What the user types comes back as a <see cref="ModalSubmission"/>
/// to the <see cref="IModalHandler"/> whose prefix starts <see cref="CustomId"/>; nothing is stored in between, so
/// whatever the handler needs besides the typed text travels in <see cref="CustomId"/>.
/// </summary>
public sealed record ModalPrompt(string CustomId, string Title, IReadOnlyList<ModalTextInput> Inputs)
{
    /// <summary>Discord's limit on a modal's and a component's custom_id.</summary>
    public const int MaxCustomIdLength = 100;

    public const int MaxTitleLength = 45;
}

/// <summary>One text box of a <see cref="ModalPrompt"/>; its value comes back under <see cref="CustomId"/>.</summary>
public sealed record ModalTextInput(string CustomId, string Label)
{
    /// <summary>Several lines rather than one.</summary>
    public bool Paragraph { get; init; }

    public int? MaxLength { get; init; }

    public bool Required { get; init; } = true;
}
