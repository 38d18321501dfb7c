namespace Serverless.Domain.Features.Oracle;

/// <summary>Slots, weekly editions and answers (table <c>oracle</c>, a partition per guild), every write guarded by the row's ETag.</summary>
public interface IOracleStore
{
    Task<OracleSetup?> GetSetupAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>Inserts the slot when <see cref="OracleSetup.ETag"/> is null, else replaces it if unchanged; false when another writer won.</summary>
    Task<bool> TryWriteSetupAsync(OracleSetup setup, CancellationToken cancellationToken);

    /// <summary>Every guild's slot (the publisher's run).</summary>
    Task<IReadOnlyList<OracleSetup>> ListSetupsAsync(CancellationToken cancellationToken);

    Task<OracleEdition?> GetEditionAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken);

    /// <summary>Inserts the edition when its ETag is null (the claim: false when it exists), else replaces it if unchanged.</summary>
    Task<bool> TryWriteEditionAsync(OracleEdition edition, CancellationToken cancellationToken);

    Task<OracleAnswer?> GetAnswerAsync(ulong guildId, OracleWeek week, ulong userId, CancellationToken cancellationToken);

    /// <summary>Inserts the answer when its ETag is null, else replaces it if unchanged; false when another writer won.</summary>
    Task<bool> TryWriteAnswerAsync(OracleAnswer answer, CancellationToken cancellationToken);

    Task<IReadOnlyList<OracleAnswer>> ListAnswersAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken);
}
