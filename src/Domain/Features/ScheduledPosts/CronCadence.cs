using Cronos;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Whether a cron expression ever fires two occurrences closer together than an allowed interval.</summary>
internal static class CronCadence
{
    public enum Verdict
    {
        Acceptable,
        TooOften,
        NeverFires,
    }

    // A fixed midnight start makes the verdict independent of today's date.
    private static readonly DateTime Reference = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <remarks>
    /// Checked in UTC, where a cron fires at the same times of day on every day it fires: one firing day shows every gap
    /// but the one across midnight, which matters only if the cron fires on two consecutive days. A guild zone's DST change
    /// can shorten one gap a year; that is not worth refusing an expression for.
    /// </remarks>
    public static Verdict Check(CronExpression cron, TimeSpan minimumInterval)
    {
        if (cron.GetNextOccurrence(Reference, inclusive: true) is not { } first)
        {
            return Verdict.NeverFires;
        }

        var last = first;
        while (cron.GetNextOccurrence(last) is { } next && next.Date == first.Date)
        {
            if (next - last < minimumInterval)
            {
                return Verdict.TooOften;
            }

            last = next;
        }

        var lastTimeOfDay = last.TimeOfDay;
        if (TimeSpan.FromDays(1) - lastTimeOfDay + first.TimeOfDay >= minimumInterval)
        {
            return Verdict.Acceptable;
        }

        // Day-of-week and day-of-month patterns repeat every 28 years (1901 to 2099), so that many years show every pair of days.
        var end = first.AddYears(28);
        while (last < end && cron.GetNextOccurrence(last) is { } firstOfNextDay)
        {
            if (firstOfNextDay - last < minimumInterval)
            {
                return Verdict.TooOften;
            }

            last = firstOfNextDay.Date + lastTimeOfDay;
        }

        return Verdict.Acceptable;
    }
}
