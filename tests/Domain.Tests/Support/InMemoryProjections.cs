using System.Globalization;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Tests.Support;

/// <summary>Projection rows in memory with ETags that change on every write, as Tables' do.</summary>
internal sealed class InMemoryProjectionStore : IProjectionStore
{
    private readonly Dictionary<string, ProjectionState> _rows = [];
    private int _etag;

    public int Writes { get; private set; }

    public Task<ProjectionState?> GetAsync(ProjectionKey key, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.GetValueOrDefault(key.ToString()));

    public Task<IReadOnlyList<ProjectionState>> ListAsync(ulong? guildId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProjectionState>>([.. _rows.Values.Where(row => guildId is null || row.Key.GuildId == guildId)]);

    public Task<bool> TryWriteAsync(ProjectionState state, CancellationToken cancellationToken)
    {
        var current = _rows.GetValueOrDefault(state.Key.ToString());
        if (current?.ETag != state.ETag)
        {
            return Task.FromResult(false);
        }

        Writes++;
        _rows[state.Key.ToString()] = state with { ETag = (++_etag).ToString(CultureInfo.InvariantCulture) };
        return Task.FromResult(true);
    }
}

/// <summary>Records what was queued instead of queuing it.</summary>
internal sealed class RecordingRefreshQueue : IProjectionRefreshQueue
{
    public List<(ProjectionKey Key, TimeSpan Delay)> Sent { get; } = [];

    public Task EnqueueAsync(ProjectionKey key, TimeSpan delay, string correlationId, CancellationToken cancellationToken)
    {
        Sent.Add((key, delay));
        return Task.CompletedTask;
    }
}
