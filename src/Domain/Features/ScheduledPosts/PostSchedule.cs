namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// When a post's occurrences fall. A post's occurrences are its first one (the anchor) and, for a repeating post,
/// each later time its recurrence names. All instants are returned in UTC.
/// </summary>
public static class PostSchedule
{
    /// <summary>
    /// The first occurrence strictly after <paramref name="afterUtc"/>, or null for a one-off post. Daily and weekly posts keep
    /// the anchor's wall-clock time (and, weekly, its weekday) in <paramref name="zone"/> across DST changes.
    /// </summary>
    public static DateTimeOffset? NextOccurrence(PostRecurrence recurrence, DateTimeOffset anchorUtc, TimeZoneInfo zone, DateTimeOffset afterUtc)
    {
        ArgumentNullException.ThrowIfNull(recurrence);
        ArgumentNullException.ThrowIfNull(zone);
        if (recurrence.Kind == RecurrenceKind.None)
        {
            return null;
        }

        if (afterUtc < anchorUtc)
        {
            return anchorUtc.ToUniversalTime();
        }

        return recurrence.Kind switch
        {
            RecurrenceKind.Daily => new WallClockRepeat(anchorUtc, zone, days: 1).FirstAfter(afterUtc),
            RecurrenceKind.Weekly => new WallClockRepeat(anchorUtc, zone, days: 7).FirstAfter(afterUtc),
            RecurrenceKind.Cron => recurrence.ParseCron().GetNextOccurrence(afterUtc, zone)?.ToUniversalTime(),
            _ => throw new ArgumentOutOfRangeException(nameof(recurrence), recurrence.Kind, "Unknown recurrence kind."),
        };
    }

    /// <summary>
    /// What to publish when a post due at <paramref name="dueUtc"/> is claimed at <paramref name="nowUtc"/>: only the latest
    /// occurrence that has come (so an outage that missed 30 daily occurrences publishes once), and the next one after now.
    /// </summary>
    public static (DateTimeOffset Occurrence, DateTimeOffset? Next) CatchUp(
        PostRecurrence recurrence, DateTimeOffset anchorUtc, TimeZoneInfo zone, DateTimeOffset dueUtc, DateTimeOffset nowUtc)
    {
        ArgumentNullException.ThrowIfNull(recurrence);
        ArgumentNullException.ThrowIfNull(zone);
        if (nowUtc < dueUtc)
        {
            throw new ArgumentOutOfRangeException(nameof(nowUtc), nowUtc, "A post is claimed only once it is due.");
        }

        DateTimeOffset? latest = recurrence.Kind switch
        {
            RecurrenceKind.None => null,
            RecurrenceKind.Daily => new WallClockRepeat(anchorUtc, zone, days: 1).LatestAtOrBefore(nowUtc),
            RecurrenceKind.Weekly => new WallClockRepeat(anchorUtc, zone, days: 7).LatestAtOrBefore(nowUtc),
            RecurrenceKind.Cron => recurrence.ParseCron().GetPreviousOccurrence(nowUtc, zone, inclusive: true),
            _ => throw new ArgumentOutOfRangeException(nameof(recurrence), recurrence.Kind, "Unknown recurrence kind."),
        };
        var occurrence = latest is { } candidate && candidate > dueUtc ? candidate : dueUtc;
        return (occurrence.ToUniversalTime(), NextOccurrence(recurrence, anchorUtc, zone, nowUtc));
    }

    /// <summary>The anchor, then the anchor's wall-clock time every <c>days</c> days after it.</summary>
    private sealed class WallClockRepeat(DateTimeOffset anchorUtc, TimeZoneInfo zone, int days)
    {
        private readonly DateTime _anchorLocal = WallClock.ToLocal(anchorUtc, zone);

        public DateTimeOffset FirstAfter(DateTimeOffset afterUtc)
        {
            // Start a step or so early: a time moved past a DST gap can land after the wall-clock day it belongs to.
            var step = Math.Max(StepsBefore(afterUtc) - 1, 0);
            while (At(step) <= afterUtc)
            {
                step++;
            }

            return At(step);
        }

        public DateTimeOffset? LatestAtOrBefore(DateTimeOffset instantUtc)
        {
            for (var step = StepsBefore(instantUtc) + 2; step >= 0; step--)
            {
                if (At(step) <= instantUtc)
                {
                    return At(step);
                }
            }

            return null;
        }

        // Whole steps from the anchor's local date to the instant's local date; never negative.
        private int StepsBefore(DateTimeOffset instantUtc) =>
            Math.Max((WallClock.ToLocal(instantUtc, zone).Date - _anchorLocal.Date).Days / days, 0);

        private DateTimeOffset At(int step) =>
            step == 0 ? anchorUtc.ToUniversalTime() : WallClock.ToInstantSkippingGap(_anchorLocal.AddDays((double)step * days), zone);
    }
}
