using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Duels;

/// <summary>Duels and ratings (table <c>duels</c>, a partition per guild), every write guarded by the row's ETag.</summary>
public interface IDuelStore
{
    Task CreateAsync(Duel duel, CancellationToken cancellationToken);

    Task<Duel?> GetAsync(ulong guildId, string duelId, CancellationToken cancellationToken);

    /// <summary>Replaces the duel if unchanged since it was read; false when another writer won.</summary>
    Task<bool> TryUpdateAsync(Duel duel, CancellationToken cancellationToken);

    /// <summary>The member's rating, or a fresh one (no ETag) when they never dueled.</summary>
    Task<PlayerRating> GetRatingAsync(ulong guildId, ulong userId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the settled duel, both new ratings and the win in <paramref name="month"/> (the guild's month at the
    /// settlement, for the hall's <c>duelists</c>) in one transaction, each guarded by its ETag: all or nothing, so a
    /// result is counted once however often its report is replayed. False when any of them changed meanwhile.
    /// </summary>
    Task<bool> TrySettleAsync(Duel settled, PlayerRating winner, PlayerRating loser, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>Each member's wins settled in the guild month.</summary>
    Task<IReadOnlyList<MonthlyStanding>> ListMonthWinsAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>Every rated member of the guild.</summary>
    Task<IReadOnlyList<PlayerRating>> ListRatingsAsync(ulong guildId, CancellationToken cancellationToken);
}
