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

    /// <summary>
    /// The member's permissions in the channel as Discord computed them for this interaction; null outside a guild.
    /// Commands that need a permission check it here too: guild admins can open a command to anyone.
    /// </summary>
    public MemberPermissions? MemberPermissions { get; init; }

    public string? Locale { get; init; }

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request reached the bot.</summary>
    public long ReceivedTimestamp { get; init; }
}
