using Serverless.Discord.Interactions;
using Serverless.Domain.Commands;

namespace Serverless.Functions.Interactions;

/// <summary>Builds Discord's response bodies from domain replies.</summary>
internal static class InteractionResponses
{
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
