using Serverless.Discord.Interactions;
using Serverless.Domain.Commands;

namespace Serverless.Functions.Interactions;

/// <summary>Builds Discord's response bodies from domain replies.</summary>
internal static class InteractionResponses
{
    /// <summary>Type 5: the user sees "thinking…". Ephemeral is decided now and cannot change later.</summary>
    public static InteractionResponsePayload Deferred(bool ephemeral) => new()
    {
        Type = InteractionCallbackType.DeferredChannelMessageWithSource,
        Data = ephemeral ? new InteractionCallbackDataPayload { Flags = MessageFlags.Ephemeral } : null,
    };

    /// <summary>Type 6, for a component: no visible answer now; the message that holds the component is edited later.</summary>
    public static InteractionResponsePayload DeferredUpdate() => new() { Type = InteractionCallbackType.DeferredUpdateMessage };

    /// <summary>Type 9 when the reply is a form, otherwise type 4.</summary>
    public static InteractionResponsePayload From(CommandReply reply) => reply.Modal is { } modal ? Modal(modal) : Message(reply);

    private static InteractionResponsePayload Message(CommandReply reply) => new()
    {
        Type = InteractionCallbackType.ChannelMessageWithSource,
        Data = new InteractionCallbackDataPayload
        {
            Content = reply.Content,
            Flags = reply.Ephemeral ? MessageFlags.Ephemeral : null,
            AllowedMentions = AllowedMentionsPayload.None,
        },
    };

    /// <summary>Each text input in an action row of its own, as Discord requires.</summary>
    private static InteractionResponsePayload Modal(ModalPrompt modal) => new()
    {
        Type = InteractionCallbackType.Modal,
        Data = new InteractionCallbackDataPayload
        {
            CustomId = modal.CustomId,
            Title = modal.Title,
            Components = [.. modal.Inputs.Select(input => new ComponentPayload
            {
                Type = ComponentType.ActionRow,
                Components =
                [
                    new ComponentPayload
                    {
                        Type = ComponentType.TextInput,
                        CustomId = input.CustomId,
                        Style = input.Paragraph ? TextInputStyle.Paragraph : TextInputStyle.Short,
                        Label = input.Label,
                        MaxLength = input.MaxLength,
                        Required = input.Required,
                    },
                ],
            })],
        },
    };
}
