using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Domain.Controls;

/// <summary>Durations as operators type them: <c>30s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>, <c>1w</c>, or several together (<c>1h30m</c>).</summary>
public static class ControlDuration
{
    /// <summary>Longer than this is a typo, not a plan: a year.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(366);

    public static bool TryParse(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? problem)
    {
        duration = TimeSpan.Zero;
        var span = (text ?? "").Trim().ToLowerInvariant();
        var i = 0;
        while (i < span.Length)
        {
            var start = i;
            while (i < span.Length && char.IsAsciiDigit(span[i]))
            {
                i++;
            }

            if (i == start || i == span.Length || i - start > 6)
            {
                return Fail(text, out problem);
            }

            var amount = int.Parse(span.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            TimeSpan? unit = span[i] switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => null,
            };
            if (unit is null)
            {
                return Fail(text, out problem);
            }

            duration += unit.Value * amount;
            if (duration > Max)
            {
                duration = TimeSpan.Zero;
                problem = "That is longer than a year; give a shorter duration, or none for no expiry.";
                return false;
            }

            i++;
        }

        if (duration <= TimeSpan.Zero)
        {
            return Fail(text, out problem);
        }

        problem = null;
        return true;
    }

    /// <summary>The shortest form that reads back the same: <c>2h</c>, <c>1h30m</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new List<string>(4);
        if (duration.Days > 0)
        {
            parts.Add(duration.Days.ToString(CultureInfo.InvariantCulture) + "d");
        }

        if (duration.Hours > 0)
        {
            parts.Add(duration.Hours.ToString(CultureInfo.InvariantCulture) + "h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add(duration.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(duration.Seconds.ToString(CultureInfo.InvariantCulture) + "s");
        }

        return string.Concat(parts);
    }

    private static bool Fail(string? text, out string problem)
    {
        problem = $"'{(text ?? "").Trim()}' is not a duration: write it like 30m, 2h, 7d or 1h30m.";
        return false;
    }
}
