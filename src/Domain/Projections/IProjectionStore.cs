namespace Serverless.Domain.Projections;

/// <summary>The projections' rows (table <c>projections</c>), every write guarded by the row's ETag.</summary>
public interface IProjectionStore
{
    Task<ProjectionState?> GetAsync(ProjectionKey key, CancellationToken cancellationToken);

    /// <summary>Every projection, or one guild's, ordered by key.</summary>
    Task<IReadOnlyList<ProjectionState>> ListAsync(ulong? guildId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the row when <see cref="ProjectionState.ETag"/> is null, else replaces it if unchanged since it was read;
    /// false when another writer won.
    /// </summary>
    Task<bool> TryWriteAsync(ProjectionState state, CancellationToken cancellationToken);
}

/// <summary>The <c>projections</c> queue: a refresh of one projection, each visible after its delay.</summary>
public interface IProjectionRefreshQueue
{
    Task EnqueueAsync(ProjectionKey key, TimeSpan delay, string correlationId, CancellationToken cancellationToken);
}
