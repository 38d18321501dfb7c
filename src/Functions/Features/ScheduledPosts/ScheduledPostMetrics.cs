using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The scheduled posts' instruments on Meter <see cref="TelemetryNames.ScheduledPosts"/>: posts published, failed for
/// good (by <see cref="FailureReasons">reason</see>), how late each went out and how many were later than
/// <see cref="ScheduledPostOptions.LateAfter"/>. No guild or post id in any dimension: one series per reason, not per post.
/// </summary>
public sealed class ScheduledPostMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _lateness;
    private readonly Counter<long> _late;
    private readonly IOptions<ScheduledPostOptions> _options;

    public ScheduledPostMetrics(IMeterFactory meterFactory, IOptions<ScheduledPostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _options = options;
        var meter = meterFactory.Create(TelemetryNames.ScheduledPosts);
        _published = meter.CreateCounter<long>("bot.scheduled_posts.published", "{post}", "Occurrences published in their channel.");
        _failed = meter.CreateCounter<long>("bot.scheduled_posts.failed", "{post}", "Occurrences that failed for good, by reason; and posts messages refused as unreadable.");
        _lateness = meter.CreateHistogram<double>("bot.scheduled_posts.lateness", "s", "Published time minus the occurrence's due time.");
        _late = meter.CreateCounter<long>("bot.scheduled_posts.late", "{post}", "Occurrences published later than ScheduledPosts__LateAfter.");
    }

    /// <summary>An occurrence due at <paramref name="due"/> is in its channel, recorded at <paramref name="publishedAt"/>.</summary>
    public void Published(DateTimeOffset due, DateTimeOffset publishedAt)
    {
        _published.Add(1);
        var lateness = publishedAt - due;
        if (lateness < TimeSpan.Zero)
        {
            // Claimed a moment "early" by another instance's clock: on time, not negative late.
            lateness = TimeSpan.Zero;
        }

        _lateness.Record(lateness.TotalSeconds);
        if (lateness > _options.Value.LateAfter)
        {
            _late.Add(1);
        }
    }

    /// <param name="reason">One of <see cref="FailureReasons"/>: a fixed vocabulary, never free text.</param>
    public void Failed(string reason)
    {
        if (_failed.Enabled)
        {
            _failed.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>The <c>reason</c> dimension's values.</summary>
    public static class FailureReasons
    {
        /// <summary>The bot may not post there (403, missing permissions or access, or a rejected token).</summary>
        public const string Forbidden = "forbidden";

        /// <summary>The channel is gone (404, unknown channel).</summary>
        public const string NotFound = "not_found";

        /// <summary>Still rate limited (429) on the last allowed attempt.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>Any other failure that ended the post: Discord refused it, stayed unreachable, or the channel could not be searched.</summary>
        public const string Error = "error";

        /// <summary>A <c>posts</c> message that cannot be read: refused on each delivery, then parked in <c>posts-poison</c>.</summary>
        public const string Poison = "poison";
    }
}
