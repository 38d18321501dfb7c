using System.Collections.ObjectModel;
using Serverless.Domain.Permissions;

namespace Serverless.Domain.Commands;

/// <summary>What a command needs to know about one use of it, free of Discord's wire format.</summary>
public sealed record CommandInvocation
{
    public required string CommandName { get; init; }

    /// <summary>Our own id for following this interaction through logs, queues and telemetry.</summary>
    public required string CorrelationId { get; init; }

    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public ulong UserId { get; init; }

    /// <summary>Discord's id of this interaction; 0 where none applies.</summary>
    public ulong InteractionId { get; init; }

    /// <summary>The member's roles (<c>member.roles</c>, without @everyone); empty outside a guild.</summary>
    public IReadOnlyList<ulong> MemberRoleIds { get; init; } = [];

    /// <summary>
    /// The member's permissions in the channel the interaction came from, as Discord computed them (that channel's
    /// overwrites included, so not the member's server-wide rights); null outside a guild. Commands that need a
    /// permission check it too: guild admins can open a command to anyone.
    /// </summary>
    public MemberPermissions? MemberPermissions { get; init; }

    public string? Locale { get; init; }

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The member's permissions in each channel a channel option names, as Discord computed them for this interaction
    /// (<c>data.resolved.channels[id].permissions</c>): the rights to check for an action on that channel.
    /// </summary>
    public IReadOnlyDictionary<ulong, DiscordPermissions> ChannelPermissions { get; init; } = ReadOnlyDictionary<ulong, DiscordPermissions>.Empty;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request reached the bot.</summary>
    public long ReceivedTimestamp { get; init; }
}
