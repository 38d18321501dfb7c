using System.Globalization;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;

namespace Serverless.Domain.Tests.Support;

/// <summary>Halls and archives in memory, ETag-guarded like the table store.</summary>
internal sealed class InMemoryHallStore : IHallStore
{
    private readonly Dictionary<ulong, HallState> _halls = [];
    private readonly Dictionary<(ulong, GuildMonth), HallArchive> _archives = [];
    private int _etag;

    public Task<HallState?> GetAsync(ulong guildId, CancellationToken cancellationToken) => Task.FromResult(_halls.GetValueOrDefault(guildId));

    public Task<bool> TryWriteAsync(HallState hall, CancellationToken cancellationToken)
    {
        if (_halls.GetValueOrDefault(hall.GuildId)?.ETag != hall.ETag)
        {
            return Task.FromResult(false);
        }

        _halls[hall.GuildId] = hall with { ETag = Next() };
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<HallState>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<HallState>>([.. _halls.Values]);

    public Task<HallArchive?> GetArchiveAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        Task.FromResult(_archives.GetValueOrDefault((guildId, month)));

    public Task<bool> TryWriteArchiveAsync(HallArchive archive, CancellationToken cancellationToken)
    {
        if (_archives.GetValueOrDefault((archive.GuildId, archive.Month))?.ETag != archive.ETag)
        {
            return Task.FromResult(false);
        }

        _archives[(archive.GuildId, archive.Month)] = archive with { ETag = Next() };
        return Task.FromResult(true);
    }

    private string Next() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
