using Serverless.Domain.Community;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// When a guild's weekly prompt is due, and which one it is. Pure: the slot is a weekday and hour on the guild's wall
/// clock, turned into an instant per week, so DST moves it with the clocks (an hour the clocks skip means the first
/// instant after the gap; an hour they repeat, its first occurrence).
/// </summary>
public static class OracleSchedule
{
    /// <summary>The instant the slot falls on in <paramref name="week"/>.</summary>
    public static DateTimeOffset SlotInstant(OracleWeek week, DayOfWeek day, int hour, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hour, 23);
        return WallClock.ToInstantSkippingGap(week.DateOf(day).ToDateTime(new TimeOnly(hour, 0)), zone);
    }

    /// <summary>The week whose prompt is due at <paramref name="now"/> (this local week, once its slot passed), or null.</summary>
    public static OracleWeek? DueWeek(DateTimeOffset now, DayOfWeek day, int hour, TimeZoneInfo zone)
    {
        var week = OracleWeek.Of(GuildCalendar.LocalDate(now, zone));
        return now >= SlotInstant(week, day, hour, zone) ? week : null;
    }

    /// <summary>The week's prompt: the same for every run and replica (the week's number into the list), varying week to week.</summary>
    public static string PromptFor(OracleWeek week, IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("There must be at least one prompt.", nameof(prompts));
        }

        return prompts[((week.Year * 53) + week.Week) % prompts.Count];
    }
}
