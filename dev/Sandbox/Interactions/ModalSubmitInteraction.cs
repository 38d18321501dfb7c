namespace Serverless.Sandbox.Interactions;

/// <summary>A submitted modal for <see cref="InteractionSender.SendModalSubmitAsync"/>: the form's id and what the user typed.</summary>
public sealed class ModalSubmitInteraction
{
    /// <summary>The custom_id the bot gave the modal.</summary>
    public required string CustomId { get; init; }

    /// <summary>Each text input's custom_id and value, in order.</summary>
    public IDictionary<string, string> Values { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The message whose component opened the form, if one did: the interaction then carries it.</summary>
    public ulong? MessageId { get; init; }

    /// <summary>Guild, channel, user and permissions, as for a command (its name and options are not sent).</summary>
    public CommandInteraction Context { get; init; } = new() { Name = "modal" };
}
