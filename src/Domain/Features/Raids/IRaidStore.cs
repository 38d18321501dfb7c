using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Raids;

/// <summary>
/// Raids (table <c>raids</c>, a partition per guild): the raids, an <c>active</c> row naming the guild's running raid,
/// members' contributions, attacks by interaction id and members' monthly damage. Every write is guarded by ETags.
/// </summary>
public interface IRaidStore
{
    Task<Raid?> GetAsync(ulong guildId, string raidId, CancellationToken cancellationToken);

    /// <summary>The guild's running raid, or null.</summary>
    Task<Raid?> GetActiveAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>Inserts the raid and makes it the guild's active one, at once; false when the guild already has one.</summary>
    Task<bool> TryStartAsync(Raid raid, CancellationToken cancellationToken);

    Task<RaidAttack?> GetAttackAsync(ulong guildId, ulong interactionId, CancellationToken cancellationToken);

    /// <summary>The member's contribution, or a fresh one (no ETag).</summary>
    Task<RaidMember> GetMemberAsync(ulong guildId, string raidId, ulong userId, CancellationToken cancellationToken);

    /// <summary>The member's damage in the month, or zero (no ETag).</summary>
    Task<RaiderMonthScore> GetMonthScoreAsync(ulong guildId, GuildMonth month, ulong userId, CancellationToken cancellationToken);

    /// <summary>
    /// One transaction: the raid's new total (and its end when the attack won it), the attack, the member's contribution
    /// and monthly score, each guarded by its ETag (the attack by its key): false when any changed meanwhile or the
    /// interaction was already counted.
    /// </summary>
    Task<bool> TryRecordAttackAsync(Raid raid, RaidAttack attack, RaidMember member, RaiderMonthScore score, CancellationToken cancellationToken);

    /// <summary>Writes an ended raid (ETag-guarded) and frees the guild's active slot; false when it changed meanwhile.</summary>
    Task<bool> TryEndAsync(Raid ended, CancellationToken cancellationToken);

    Task<IReadOnlyList<RaidMember>> ListMembersAsync(ulong guildId, string raidId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RaiderMonthScore>> ListMonthScoresAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>The guild's raids that ended in the month, by end time.</summary>
    Task<IReadOnlyList<Raid>> ListEndedAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>Every guild's running raid whose end time is at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Raid>> ListOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
