namespace Serverless.Domain.Commands;

/// <summary>A filled-in <see cref="ModalPrompt"/>, free of Discord's wire format.</summary>
public sealed record ModalSubmission
{
    /// <summary>The prompt's custom_id, as the handler wrote it.</summary>
    public required string CustomId { get; init; }

    /// <summary>Our own id for following this interaction through logs and telemetry.</summary>
    public required string CorrelationId { get; init; }

    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public ulong UserId { get; init; }

    /// <summary>The member's permissions in the channel as Discord computed them now; null outside a guild.</summary>
    public MemberPermissions? MemberPermissions { get; init; }

    public string? Locale { get; init; }

    /// <summary>What was typed, by the text input's custom_id.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request reached the bot.</summary>
    public long ReceivedTimestamp { get; init; }
}
