using Serverless.Domain.Permissions;

namespace Serverless.TestSupport;

/// <summary>
/// Member permissions a test sets: <see cref="Guild"/> server-wide and, per channel, <see cref="Channels"/> (a channel
/// not listed answers <see cref="Guild"/>), or every call fails.
/// </summary>
public sealed class ScriptedMemberPermissions : IMemberPermissionLookup
{
    /// <summary>The member's server-wide permissions; Manage Messages unless a test says otherwise.</summary>
    public DiscordPermissions? Guild { get; set; } = DiscordPermissions.ViewChannel | DiscordPermissions.SendMessages | DiscordPermissions.ManageMessages;

    public Dictionary<ulong, DiscordPermissions?> Channels { get; } = [];

    /// <summary>When set, every call throws it, as when Discord cannot be asked.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The role ids the last call was given.</summary>
    public IReadOnlyList<ulong>? LastRoleIds { get; private set; }

    public Task<DiscordPermissions?> InGuildAsync(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken)
    {
        LastRoleIds = roleIds;
        return Failure is { } failure ? Task.FromException<DiscordPermissions?>(failure) : Task.FromResult(Guild);
    }

    public Task<DiscordPermissions?> InChannelAsync(ulong guildId, ulong channelId, ulong userId, IReadOnlyList<ulong> roleIds, CancellationToken cancellationToken)
    {
        LastRoleIds = roleIds;
        return Failure is { } failure
            ? Task.FromException<DiscordPermissions?>(failure)
            : Task.FromResult(Channels.TryGetValue(channelId, out var permissions) ? permissions : Guild);
    }
}
