using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Cronos;

namespace Serverless.DevHost.Timers;

/// <summary>A timer trigger's schedule: an NCRONTAB expression or a constant interval, always in UTC.</summary>
public abstract class TimerSchedule
{
    /// <summary>The schedule as the function's metadata declares it.</summary>
    public abstract string Expression { get; }

    /// <summary>What the host serializes as <c>Schedule.AdjustForDST</c>: true for cron, false for a constant interval.</summary>
    public abstract bool AdjustForDst { get; }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public abstract DateTimeOffset? GetNextOccurrence(DateTimeOffset after);

    /// <summary>
    /// Whether the host would monitor this schedule by default: not when it fires more than once a minute,
    /// because persisting the status of such a timer costs more than it saves.
    /// </summary>
    public abstract bool MonitorByDefault(DateTimeOffset now);

    public override string ToString() => Expression;

    /// <summary>
    /// Parses a 6-field NCRONTAB expression (with seconds), a 5-field one, or a <see cref="TimeSpan"/> such as <c>00:05:00</c>.
    /// </summary>
    public static bool TryParse(string expression, [NotNullWhen(true)] out TimerSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        schedule = null;
        var trimmed = expression.Trim();
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        if (fields.Length == 1)
        {
            // No spaces: a TimeSpan, as the host's TimerTriggerAttribute falls back to when cron parsing fails.
            if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
            {
                schedule = new ConstantTimerSchedule(trimmed, interval);
                error = null;
                return true;
            }

            error = "not a positive TimeSpan such as 00:05:00";
            return false;
        }

        if (fields.Length is not (5 or 6))
        {
            error = $"an NCRONTAB expression has 6 fields (second minute hour day month day-of-week), found {fields.Length}";
            return false;
        }

        try
        {
            var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            schedule = new CronTimerSchedule(trimmed, CronExpression.Parse(string.Join(' ', fields), format));
            error = null;
            return true;
        }
        catch (CronFormatException exception)
        {
            error = exception.Message;
            return false;
        }
    }
}

/// <summary>An NCRONTAB schedule evaluated in UTC, as the host does when WEBSITE_TIME_ZONE is not set.</summary>
public sealed class CronTimerSchedule : TimerSchedule
{
    private readonly CronExpression _cron;

    internal CronTimerSchedule(string expression, CronExpression cron)
    {
        Expression = expression;
        _cron = cron;
    }

    public override string Expression { get; }

    public override bool AdjustForDst => true;

    public override DateTimeOffset? GetNextOccurrence(DateTimeOffset after) => _cron.GetNextOccurrence(after, TimeZoneInfo.Utc);

    public override bool MonitorByDefault(DateTimeOffset now)
    {
        // The host counts the occurrences in the minute after start-up, so its answer for a schedule such as
        // */30 depends on the second it starts at; two consecutive occurrences less than a minute apart give
        // the answer it gives at almost any second, every time.
        var first = GetNextOccurrence(now);
        var second = first is { } value ? GetNextOccurrence(value) : null;
        return second is null || second.Value - first!.Value >= TimeSpan.FromMinutes(1);
    }
}

/// <summary>A constant interval: each occurrence is the previous one plus the interval.</summary>
public sealed class ConstantTimerSchedule : TimerSchedule
{
    internal ConstantTimerSchedule(string expression, TimeSpan interval)
    {
        Expression = expression;
        Interval = interval;
    }

    public override string Expression { get; }

    public TimeSpan Interval { get; }

    public override bool AdjustForDst => false;

    public override DateTimeOffset? GetNextOccurrence(DateTimeOffset after) => after + Interval;

    public override bool MonitorByDefault(DateTimeOffset now) => Interval >= TimeSpan.FromMinutes(1);
}
