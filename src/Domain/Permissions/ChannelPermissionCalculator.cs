namespace Serverless.Domain.Permissions;

/// <summary>
/// A member's permissions in a channel, by Discord's documented algorithm ("Permission Overwrites"): guild-level
/// roles first, then the channel's @everyone, role and member overwrites, each layer denying before it allows.
/// Role positions play no part: an allow on any of the member's roles beats a deny on another.
/// </summary>
public static class ChannelPermissionCalculator
{
    /// <param name="guildId">Also the id of the @everyone role and of its overwrite.</param>
    /// <param name="ownerId">The guild owner has every permission, whatever the roles and overwrites say.</param>
    /// <param name="roles">The guild's roles; member roles missing here (deleted meanwhile) grant nothing.</param>
    /// <param name="userId">The member whose permissions are computed.</param>
    /// <param name="memberRoleIds">The member's roles, as Discord lists them (without @everyone).</param>
    /// <param name="overwrites">The channel's permission overwrites.</param>
    public static DiscordPermissions Compute(
        ulong guildId,
        ulong ownerId,
        IEnumerable<GuildRole> roles,
        ulong userId,
        IEnumerable<ulong> memberRoleIds,
        IEnumerable<PermissionOverwrite> overwrites)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(memberRoleIds);
        ArgumentNullException.ThrowIfNull(overwrites);
        if (userId == ownerId)
        {
            return DiscordPermissions.All;
        }

        var rolePermissions = new Dictionary<ulong, DiscordPermissions>();
        foreach (var role in roles)
        {
            rolePermissions[role.Id] = role.Permissions;
        }

        // The @everyone role is implicit: a member's role list never names it, and it must not count twice below.
        var memberRoles = memberRoleIds.Where(id => id != guildId).ToHashSet();
        var permissions = rolePermissions.GetValueOrDefault(guildId);
        foreach (var roleId in memberRoles)
        {
            permissions |= rolePermissions.GetValueOrDefault(roleId);
        }

        // Administrator bypasses every overwrite.
        if (permissions.HasFlag(DiscordPermissions.Administrator))
        {
            return DiscordPermissions.All;
        }

        var channelOverwrites = overwrites.ToList();
        if (channelOverwrites.Find(o => o.Target == OverwriteTarget.Role && o.Id == guildId) is { } everyone)
        {
            permissions = (permissions & ~everyone.Deny) | everyone.Allow;
        }

        var roleAllow = DiscordPermissions.None;
        var roleDeny = DiscordPermissions.None;
        foreach (var overwrite in channelOverwrites.Where(o => o.Target == OverwriteTarget.Role && memberRoles.Contains(o.Id)))
        {
            roleAllow |= overwrite.Allow;
            roleDeny |= overwrite.Deny;
        }

        permissions = (permissions & ~roleDeny) | roleAllow;

        if (channelOverwrites.Find(o => o.Target == OverwriteTarget.Member && o.Id == userId) is { } member)
        {
            permissions = (permissions & ~member.Deny) | member.Allow;
        }

        return permissions;
    }
}
