using System.Diagnostics.Metrics;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Features.Projections;

/// <summary>
/// The refresher's instruments on Meter <see cref="TelemetryNames.Projections"/>: what each refresh did to Discord (by
/// <see cref="Outcomes">outcome</see>) and how stale the dashboard was when it became current. Dimensions are the
/// projection's <c>feature</c> and <c>kind</c> only (never a guild or an id): one series per dashboard type.
/// </summary>
public sealed class ProjectionMetrics
{
    private readonly Counter<long> _writes;
    private readonly Histogram<double> _staleness;

    public ProjectionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TelemetryNames.Projections);
        _writes = meter.CreateCounter<long>("bot.projections.writes", "{refresh}", "Refreshes by what they did to the Discord message: created, edited, reposted, unchanged (no call), backed_off, broken.");
        _staleness = meter.CreateHistogram<double>("bot.projections.staleness", "s", "Time the message showed everything again minus when the first change it had not shown arrived.");
    }

    /// <param name="outcome">One of <see cref="Outcomes"/>: a fixed vocabulary.</param>
    public void Refreshed(ProjectionKey key, string outcome)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_writes.Enabled)
        {
            _writes.Add(1, Dimension("feature", key.Feature), Dimension("kind", key.Kind), Dimension("outcome", outcome));
        }
    }

    /// <summary>
    /// The message shows everything up to now, published at <paramref name="publishedAt"/>; <paramref name="dirtySince"/>
    /// is when its oldest unshown change arrived (null: nothing was unshown, so nothing to record).
    /// </summary>
    public void Current(ProjectionKey key, DateTimeOffset? dirtySince, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (dirtySince is { } since && _staleness.Enabled)
        {
            _staleness.Record(Staleness(since, publishedAt).TotalSeconds, Dimension("feature", key.Feature), Dimension("kind", key.Kind));
        }
    }

    /// <summary>Never negative: instances' clocks differ by a little, and a change cannot be shown before it happened.</summary>
    public static TimeSpan Staleness(DateTimeOffset dirtySince, DateTimeOffset publishedAt) =>
        publishedAt > dirtySince ? publishedAt - dirtySince : TimeSpan.Zero;

    private static KeyValuePair<string, object?> Dimension(string name, string value) => new(name, value);

    /// <summary>The <c>outcome</c> dimension's values.</summary>
    public static class Outcomes
    {
        /// <summary>The first message was posted.</summary>
        public const string Created = "created";

        /// <summary>The message was edited.</summary>
        public const string Edited = "edited";

        /// <summary>A fresh message replaced one that was deleted (10008) or whose edits stayed refused (30046).</summary>
        public const string Reposted = "reposted";

        /// <summary>The rendered content equals what the message shows: no call to Discord.</summary>
        public const string Unchanged = "unchanged";

        /// <summary>Discord refused the edit (30046); it is tried again after a wait.</summary>
        public const string BackedOff = "backed_off";

        /// <summary>The channel is gone or closed to the bot; refreshing stopped.</summary>
        public const string Broken = "broken";
    }
}
