using Serverless.Domain.Projections;
using Serverless.Storage.Projections;

namespace ProjectionsBench;

/// <summary>
/// Polls the guild's projection rows (one partition query) every <see cref="Interval"/> and reports each rise of a
/// published version with the refresher's own <see cref="ProjectionState.PublishedAt"/>, so the poll's interval adds
/// nothing to the lag (two publishes within one interval would show as the second; with windows of a second or more
/// that does not happen).
/// </summary>
internal sealed class PublishWatcher(TableProjectionStore store, ulong guildId, LagTracker tracker)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<ProjectionKey, long> _seen = [];
    private readonly Dictionary<ProjectionKey, DateTimeOffset> _dirtySince = [];
    private readonly Dictionary<ProjectionKey, List<double>> _staleness = [];

    /// <summary>
    /// Per projection, each publish's staleness as the refresher's metric records it (publish time minus the
    /// <see cref="ProjectionState.DirtySince"/> seen before it), for publishes whose dirty row the watcher saw.
    /// </summary>
    public IReadOnlyList<double> StalenessOf(ProjectionKey key) => _staleness.TryGetValue(key, out var values) ? values : [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await PollAsync(CancellationToken.None);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: one last look so the final publishes count.
            await PollAsync(CancellationToken.None);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        foreach (var state in await store.ListAsync(guildId, cancellationToken))
        {
            if (state.PublishedAt is { } at && state.PublishedVersion > _seen.GetValueOrDefault(state.Key))
            {
                _seen[state.Key] = state.PublishedVersion;
                tracker.Published(state.Key, state.PublishedVersion, at);
                if (_dirtySince.Remove(state.Key, out var since))
                {
                    (_staleness.TryGetValue(state.Key, out var values) ? values : _staleness[state.Key] = []).Add(Math.Max(0, (at - since).TotalSeconds));
                }
            }

            if (state.DirtySince is { } dirty)
            {
                _dirtySince[state.Key] = dirty;
            }
        }
    }
}
