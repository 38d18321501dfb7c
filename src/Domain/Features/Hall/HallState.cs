using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Hall;

/// <summary>
/// A guild's hall (table <c>hall</c>): its channel and the month its live standings show. The month is stored, not
/// read from a clock, so the standings stay a pure function of stored state; the archiver advances it at month end.
/// </summary>
public sealed record HallState(ulong GuildId, ulong ChannelId, GuildMonth ShownMonth)
{
    public string? ETag { get; init; }
}

public enum HallArchiveStatus
{
    /// <summary>A run is posting it until <see cref="HallArchive.ClaimedUntil"/>.</summary>
    Claimed,

    Posted,

    /// <summary>Nothing happened that month: nothing was posted.</summary>
    Quiet,
}

/// <summary>The archive of one ended month: claimed before posting, then the message it became.</summary>
public sealed record HallArchive(ulong GuildId, GuildMonth Month, HallArchiveStatus Status)
{
    public ulong? ChannelId { get; init; }

    public ulong? MessageId { get; init; }

    public DateTimeOffset? ClaimedUntil { get; init; }

    /// <summary>When the first run claimed it: an earlier post, if one went through, is no older (Discord ids carry the time).</summary>
    public DateTimeOffset? FirstClaimedAt { get; init; }

    /// <summary>Bumped by an operator's re-post, so its nonce differs from the first post's.</summary>
    public int Generation { get; init; }

    public string? ETag { get; init; }

    public bool IsDone => Status is HallArchiveStatus.Posted or HallArchiveStatus.Quiet;
}
