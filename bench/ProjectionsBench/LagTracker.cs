using Serverless.Domain.Projections;

namespace ProjectionsBench;

/// <summary>
/// Each event's projection version and time, and each publish the bench saw (the version the message shows and when
/// the refresher recorded it). An event's lag is the time from its change being stored (and marked dirty) to the
/// first publish whose version covers it.
/// </summary>
internal sealed class LagTracker
{
    private readonly Dictionary<ProjectionKey, List<(long Version, DateTimeOffset At)>> _changes = [];
    private readonly Dictionary<ProjectionKey, Dictionary<int, (long Version, DateTimeOffset At)>> _burstEnds = [];
    private readonly Dictionary<ProjectionKey, List<(long Version, DateTimeOffset At)>> _publishes = [];
    private readonly Lock _gate = new();

    /// <param name="burst">Which burst the event belongs to (0 when the run has no pauses).</param>
    public void Changed(ProjectionKey key, long version, DateTimeOffset at, int burst)
    {
        lock (_gate)
        {
            Of(_changes, key).Add((version, at));
            var ends = _burstEnds.TryGetValue(key, out var found) ? found : _burstEnds[key] = [];
            if (!ends.TryGetValue(burst, out var end) || version > end.Version)
            {
                ends[burst] = (version, at);
            }
        }
    }

    /// <summary>A publish seen by polling; called only when the published version rose.</summary>
    public void Published(ProjectionKey key, long version, DateTimeOffset at)
    {
        lock (_gate)
        {
            Of(_publishes, key).Add((version, at));
        }
    }

    public int EventCount(ProjectionKey key)
    {
        lock (_gate)
        {
            return _changes.TryGetValue(key, out var changes) ? changes.Count : 0;
        }
    }

    /// <summary>Every event's lag in seconds, and how many events no publish covered.</summary>
    public (IReadOnlyList<double> Lags, int Uncovered) LagsOf(ProjectionKey key)
    {
        lock (_gate)
        {
            var publishes = _publishes.TryGetValue(key, out var seen) ? seen.OrderBy(p => p.Version).ToList() : [];
            List<double> lags = [];
            var uncovered = 0;
            foreach (var (version, at) in _changes.TryGetValue(key, out var changes) ? changes : [])
            {
                // Publishes rise in version and time, so the first that covers it is the earliest.
                var covering = publishes.FindIndex(p => p.Version >= version);
                if (covering < 0)
                {
                    uncovered++;
                    continue;
                }

                lags.Add(Math.Max(0, (publishes[covering].At - at).TotalSeconds));
            }

            return (lags, uncovered);
        }
    }

    /// <summary>
    /// For each burst, from its last event (the highest version it reached) to the first publish covering it: how long
    /// the dashboard took to catch up once the events stopped.
    /// </summary>
    public IReadOnlyList<double> BurstEndLags(ProjectionKey key)
    {
        lock (_gate)
        {
            if (!_burstEnds.TryGetValue(key, out var ends) || !_publishes.TryGetValue(key, out var seen))
            {
                return [];
            }

            var publishes = seen.OrderBy(p => p.Version).ToList();
            return [.. ends.Values
                .Select(end => (end.At, Covering: publishes.FindIndex(p => p.Version >= end.Version)))
                .Where(end => end.Covering >= 0)
                .Select(end => Math.Max(0, (publishes[end.Covering].At - end.At).TotalSeconds))];
        }
    }

    private static List<(long Version, DateTimeOffset At)> Of(Dictionary<ProjectionKey, List<(long Version, DateTimeOffset At)>> map, ProjectionKey key) =>
        map.TryGetValue(key, out var list) ? list : map[key] = [];
}
