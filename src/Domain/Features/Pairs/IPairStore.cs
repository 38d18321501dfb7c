using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Pairs;

/// <summary>Pairs, members' memberships and monthly scores (table <c>pairs</c>, a partition per guild), every write guarded by the row's ETag.</summary>
public interface IPairStore
{
    Task<Pair?> GetAsync(ulong guildId, string pairId, CancellationToken cancellationToken);

    /// <summary>The member's pointer to their latest pair, or null when they never were in one.</summary>
    Task<PairMembership?> GetMembershipAsync(ulong guildId, ulong userId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the invited pair and points both members at it, in one transaction guarded by the memberships' ETags (null:
    /// must not exist yet). False when any of them changed meanwhile or the pair exists.
    /// </summary>
    Task<bool> TryCreateAsync(Pair pair, PairMembership inviter, PairMembership invitee, CancellationToken cancellationToken);

    /// <summary>Replaces the pair if unchanged since it was read; false when another writer won.</summary>
    Task<bool> TryUpdateAsync(Pair pair, CancellationToken cancellationToken);

    /// <summary>The pair's score in the month, or a zero one (no ETag).</summary>
    Task<PairMonthScore> GetMonthAsync(Pair pair, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the checked-in pair and, when the check-in counted a day, its month's score, in one transaction guarded by
    /// both ETags: a replay counts once. False when either changed meanwhile.
    /// </summary>
    Task<bool> TryCheckInAsync(Pair pair, PairMonthScore? month, CancellationToken cancellationToken);

    /// <summary>Every pair's score in the guild month.</summary>
    Task<IReadOnlyList<PairMonthScore>> ListMonthAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);
}
