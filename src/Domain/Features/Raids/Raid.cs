using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Raids;

public enum RaidStatus
{
    Active,

    /// <summary>An attack reached the goal.</summary>
    Won,

    /// <summary>The end time came first.</summary>
    TimeRanOut,

    /// <summary>A moderator stopped it.</summary>
    Stopped,
}

/// <summary>One raid of a guild: a shared goal of damage before an end time. Stored in table <c>raids</c>.</summary>
public sealed record Raid
{
    public required ulong GuildId { get; init; }

    /// <summary>The id of the <c>/raid start</c> interaction, so a redelivered command finds its raid.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required long Goal { get; init; }

    public long Total { get; init; }

    public required ulong ChannelId { get; init; }

    public required ulong StartedBy { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public RaidStatus Status { get; init; } = RaidStatus.Active;

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The guild month (its zone, at <see cref="EndedAt"/>) the hall archives the raid in.</summary>
    public GuildMonth? EndedMonth { get; init; }

    public string? ETag { get; init; }

    public bool IsActive => Status == RaidStatus.Active;
}

/// <summary>A member's part in one raid; <see cref="LastAttackAt"/> drives the cooldown.</summary>
public sealed record RaidMember(ulong GuildId, string RaidId, ulong UserId, long Damage, int Attacks, DateTimeOffset? LastAttackAt)
{
    public string? ETag { get; init; }

    public static RaidMember Fresh(ulong guildId, string raidId, ulong userId) => new(guildId, raidId, userId, 0, 0, null);
}

/// <summary>One attack, keyed by its interaction id: a replayed interaction finds it and counts nothing again.</summary>
public sealed record RaidAttack(ulong GuildId, ulong InteractionId, string RaidId, ulong UserId, long Damage, DateTimeOffset At);

/// <summary>A member's damage in a guild month, all raids together (the hall's <c>raiders</c>).</summary>
public sealed record RaiderMonthScore(ulong GuildId, GuildMonth Month, ulong UserId, long Damage)
{
    public string? ETag { get; init; }
}
