namespace Serverless.Domain.Features.Pairs;

public enum PairStatus
{
    /// <summary>Waiting for the invited member to accept or decline.</summary>
    Invited,
    Declined,

    /// <summary>Formed: both members check in daily.</summary>
    Active,

    /// <summary>Dissolved with <c>/pair leave</c> (or a pending invite withdrawn); the history stays.</summary>
    Ended,
}

/// <summary>A member's check-in on a local day of the guild.</summary>
public sealed record PairCheckIn(ulong UserId, DateOnly Day);

/// <summary>
/// Two members of a guild who check in daily; a day counts when both checked in on it (in the guild's time zone).
/// Stored in table <c>pairs</c>, a partition per guild.
/// </summary>
public sealed record Pair
{
    /// <summary>How many recent check-ins a pair keeps for its panel.</summary>
    public const int RecentKept = 6;

    public required ulong GuildId { get; init; }

    /// <summary>The invite's interaction id: a redelivered invite finds its pair instead of making a second.</summary>
    public required string Id { get; init; }

    public required ulong InviterId { get; init; }

    public required ulong InviteeId { get; init; }

    public required PairStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>An unanswered invite expires then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? FormedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public ulong? EndedBy { get; init; }

    /// <summary>The local day each member last checked in on.</summary>
    public DateOnly? InviterLastDay { get; init; }

    public DateOnly? InviteeLastDay { get; init; }

    /// <summary>Consecutive counted days ending on <see cref="LastCountedDay"/>.</summary>
    public int CurrentStreak { get; init; }

    public int BestStreak { get; init; }

    public int TotalDays { get; init; }

    public DateOnly? LastCountedDay { get; init; }

    /// <summary>The latest check-ins, newest first, at most <see cref="RecentKept"/>.</summary>
    public IReadOnlyList<PairCheckIn> Recent { get; init; } = [];

    public string? ETag { get; init; }

    public bool IsMember(ulong userId) => userId == InviterId || userId == InviteeId;

    public ulong PartnerOf(ulong userId) => userId == InviterId ? InviteeId : InviterId;

    /// <summary>Whether the pair still holds its members: formed, or invited and not yet expired.</summary>
    public bool HoldsMembers(DateTimeOffset now) => Status == PairStatus.Active || (Status == PairStatus.Invited && now < ExpiresAt);
}

/// <summary>A member's pointer to the pair (or pending invite) they are in; a member is in one at a time.</summary>
public sealed record PairMembership(ulong GuildId, ulong UserId, string PairId)
{
    public string? ETag { get; init; }
}

/// <summary>A pair's counted days in one guild month: the pairs' monthly standings.</summary>
public sealed record PairMonthScore(ulong GuildId, string PairId, Community.GuildMonth Month, ulong FirstMemberId, ulong SecondMemberId, int Days)
{
    public string? ETag { get; init; }
}
