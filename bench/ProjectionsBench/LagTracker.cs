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
    private readonly Dictionary<ProjectionKey, List<(long Version, DateTimeOffset At)>> _publishes = [];
    private readonly Lock _gate = new();

    public void Changed(ProjectionKey key, long version, DateTimeOffset at)
    {
        lock (_gate)
        {
            Of(_changes, key).Add((version, at));
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

    /// <summary>From the last event to the publish that covered it: the dashboard's catch-up once the burst ended.</summary>
    public double? LastEventLag(ProjectionKey key)
    {
        lock (_gate)
        {
            if (!_changes.TryGetValue(key, out var changes) || changes.Count == 0 || !_publishes.TryGetValue(key, out var publishes))
            {
                return null;
            }

            var last = changes.MaxBy(change => change.At);
            var covering = publishes.Where(p => p.Version >= last.Version).OrderBy(p => p.Version).FirstOrDefault();
            return covering == default ? null : Math.Max(0, (covering.At - last.At).TotalSeconds);
        }
    }

    private static List<(long Version, DateTimeOffset At)> Of(Dictionary<ProjectionKey, List<(long Version, DateTimeOffset At)>> map, ProjectionKey key) =>
        map.TryGetValue(key, out var list) ? list : map[key] = [];
}
