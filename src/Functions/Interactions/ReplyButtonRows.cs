using Serverless.Discord;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;

namespace Serverless.Functions.Interactions;

/// <summary>A reply's or a projection's buttons as Discord takes them: action rows of five.</summary>
public static class ReplyButtonRows
{
    /// <summary>Null stays null (an edit then leaves the message's own components); empty removes them.</summary>
    public static List<MessageComponentPayload>? From(IReadOnlyList<ReplyButton>? buttons) => buttons?
        .Chunk(DiscordMessageLimits.MaxComponentsPerRow)
        .Select(row => new MessageComponentPayload
        {
            Type = MessageComponentPayload.ActionRowType,
            Components = [.. row.Select(button => new MessageComponentPayload
            {
                Type = MessageComponentPayload.ButtonType,
                Style = (int)button.Style,
                Label = button.Label,
                CustomId = button.CustomId,
            })],
        })
        .ToList();
}
