using System.Net;
using System.Security.Cryptography;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;

namespace Serverless.Companion.Music;

/// <summary><see cref="IInteractionResponder"/> over Discord's interaction webhooks; every message pings nobody.</summary>
public sealed class DiscordInteractionResponder(DiscordRestClient discord) : IInteractionResponder
{
    public Task EditOriginalAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken) =>
        discord.EditOriginalResponseAsync(
            applicationId,
            interactionToken,
            new MessageEditPayload { Content = content, AllowedMentions = AllowedMentionsPayload.None },
            cancellationToken);

    public Task SendEphemeralFollowupAsync(ulong applicationId, string interactionToken, string content, CancellationToken cancellationToken) =>
        discord.CreateFollowupMessageAsync(
            applicationId,
            interactionToken,
            new MessageCreatePayload { Content = content, AllowedMentions = AllowedMentionsPayload.None, Flags = MessageFlags.Ephemeral },
            cancellationToken);
}

/// <summary>
/// <see cref="IMusicTextChannel"/> over Discord's channel messages. New messages carry a nonce with
/// <c>enforce_nonce</c>, so a retried post appears once; nothing pings (<c>allowed_mentions</c> parse []).
/// </summary>
public sealed class DiscordMusicTextChannel(DiscordRestClient discord) : IMusicTextChannel
{
    public async Task<ulong> CreateMessageAsync(ulong channelId, MusicMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var created = await discord.CreateMessageAsync(channelId, new MessageCreatePayload
        {
            Content = message.Content,
            Nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)),
            EnforceNonce = true,
            AllowedMentions = AllowedMentionsPayload.None,
            Components = Components(message),
        }, cancellationToken);
        return created.Id;
    }

    public async Task<bool> EditMessageAsync(ulong channelId, ulong messageId, MusicMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await discord.EditMessageAsync(channelId, messageId, new MessageEditPayload
            {
                Content = message.Content,
                AllowedMentions = AllowedMentionsPayload.None,
                Components = Components(message) ?? [],
            }, cancellationToken);
            return true;
        }
        catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task DeleteMessageAsync(ulong channelId, ulong messageId, CancellationToken cancellationToken)
    {
        try
        {
            await discord.DeleteMessageAsync(channelId, messageId, cancellationToken);
        }
        catch (DiscordApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            // Someone deleted it already.
        }
    }

    private static List<MessageComponentPayload>? Components(MusicMessage message) => message.Buttons.Count == 0
        ? null
        :
        [
            new MessageComponentPayload
            {
                Type = MessageComponentPayload.ActionRowType,
                Components = [.. message.Buttons.Select(button => new MessageComponentPayload
                {
                    Type = MessageComponentPayload.ButtonType,
                    CustomId = button.CustomId,
                    Label = button.Label,
                    Style = button.Style switch
                    {
                        MusicButtonStyle.Primary => MessageComponentPayload.PrimaryStyle,
                        MusicButtonStyle.Danger => MessageComponentPayload.DangerStyle,
                        _ => MessageComponentPayload.SecondaryStyle,
                    },
                })],
            },
        ];
}
