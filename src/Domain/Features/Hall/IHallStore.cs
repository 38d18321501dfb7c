using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Hall;

/// <summary>Halls and their month archives (table <c>hall</c>, a partition per guild), every write guarded by the row's ETag.</summary>
public interface IHallStore
{
    Task<HallState?> GetAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>Inserts when <see cref="HallState.ETag"/> is null, else replaces if unchanged; false when another writer won.</summary>
    Task<bool> TryWriteAsync(HallState hall, CancellationToken cancellationToken);

    /// <summary>Every guild's hall.</summary>
    Task<IReadOnlyList<HallState>> ListAsync(CancellationToken cancellationToken);

    Task<HallArchive?> GetArchiveAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken);

    /// <summary>Inserts when <see cref="HallArchive.ETag"/> is null, else replaces if unchanged; false when another writer won.</summary>
    Task<bool> TryWriteArchiveAsync(HallArchive archive, CancellationToken cancellationToken);
}
