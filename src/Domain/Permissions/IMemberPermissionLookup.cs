namespace Serverless.Domain.Permissions;

/// <summary>
/// A member's permissions computed from the guild's roles and a channel's overwrites, as Discord computes them. Needed
/// where an interaction does not carry the answer: <c>member.permissions</c> is always for the channel the interaction
/// came from, where a channel overwrite may grant what the member's roles do not (even Administrator or Manage Server).
/// </summary>
public interface IMemberPermissionLookup
{
    /// <summary>
    /// The member's guild-wide permissions: the owner's or an administrator's are every bit, otherwise the @everyone
    /// role's and the member's roles' together, no channel overwrite counted. Null when the bot is not in the guild.
    /// Throws when Discord cannot be asked.
    /// </summary>
    /// <param name="roleIds">The member's roles as the interaction lists them (<c>member.roles</c>).</param>
    Task<DiscordPermissions?> InGuildAsync(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken);

    /// <summary>
    /// The member's permissions in <paramref name="channelId"/>, overwrites included. Null when the channel is unknown,
    /// hidden from the bot or in another guild, or the bot is not in the guild. Throws when Discord cannot be asked.
    /// </summary>
    Task<DiscordPermissions?> InChannelAsync(ulong guildId, ulong channelId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken);
}
