namespace Serverless.Domain.Permissions;

/// <summary>Whether the bot itself may post in a channel of a guild, from Discord's view of its roles and the channel's overwrites.</summary>
public interface IChannelPostingCheck
{
    /// <summary>Throws when Discord cannot be asked (unavailable, rate limited); a refusal is a <see cref="PostingCheck"/>.</summary>
    Task<PostingCheck> CheckCanPostAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken);
}
