using Serverless.Discord.Interactions;

namespace Serverless.Discord.Rest;

/// <summary>How a process answers queued work the operator controls refused, the same in the Functions worker and the companion.</summary>
public static class RefusedWorkAnswers
{
    /// <summary>
    /// A command or form edits its "thinking…" answer with <paramref name="message"/>. A clicked component was
    /// acknowledged with type 6, so its original is the clicked message: that is left alone and the user gets an
    /// ephemeral follow-up instead.
    /// </summary>
    public static Task AnswerRefusedAsync(this DiscordRestClient discord, ulong applicationId, string interactionToken, string message, bool clickedComponent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discord);
        return clickedComponent
            ? discord.CreateFollowupMessageAsync(
                applicationId,
                interactionToken,
                new MessageCreatePayload { Content = message, Flags = MessageFlags.Ephemeral, AllowedMentions = AllowedMentionsPayload.None },
                cancellationToken)
            : discord.EditOriginalResponseAsync(
                applicationId,
                interactionToken,
                new MessageEditPayload { Content = message, AllowedMentions = AllowedMentionsPayload.None },
                cancellationToken);
    }
}
