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

    public static InteractionResponsePayload Message(CommandReply reply) => new()
    {
        Type = InteractionCallbackType.ChannelMessageWithSource,
        Data = new InteractionCallbackDataPayload
        {
            Content = reply.Content,
            Flags = reply.Ephemeral ? MessageFlags.Ephemeral : null,
            AllowedMentions = AllowedMentionsPayload.None,
        },
    };
}
