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
    /// Writes the settled duel and both new ratings in one transaction, each guarded by its ETag: all or nothing, so a
    /// result is counted once however often its report is replayed. False when any of the three changed meanwhile.
    /// </summary>
    Task<bool> TrySettleAsync(Duel settled, PlayerRating winner, PlayerRating loser, CancellationToken cancellationToken);

    /// <summary>Every rated member of the guild.</summary>
    Task<IReadOnlyList<PlayerRating>> ListRatingsAsync(ulong guildId, CancellationToken cancellationToken);
}
