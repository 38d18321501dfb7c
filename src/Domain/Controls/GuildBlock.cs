namespace Serverless.Domain.Controls;

/// <summary>
/// A guild the bot serves nothing to until <see cref="ExpiresAt"/> (or until unblocked): every interaction gets only a
/// short notice, nothing is queued, and the companion leaves the guild's voice channel.
/// </summary>
public sealed record GuildBlock
{
    public required ulong GuildId { get; init; }

    /// <summary>For operators and the audit record; users see only a short notice.</summary>
    public required string Reason { get; init; }

    public required string BlockedBy { get; init; }

    public required DateTimeOffset BlockedAt { get; init; }

    /// <summary>Null: until unblocked.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
