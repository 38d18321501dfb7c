using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Reads the time staff typed for a post, in the guild's zone, relative to an explicit now.</summary>
public static partial class ScheduleTimeParser
{
    public const int MaxDaysAhead = 366;

    /// <summary>Far more than any form this reads needs; the <c>when</c> option's max_length.</summary>
    public const int MaxTextLength = 100;

    private const string Examples = "use 2026-12-01 09:30, in 2h or tomorrow 09:00";
    private const string TimeOfDayPattern = "(?<hour>[0-9]{1,2})(?::(?<minute>[0-9]{2})(?::(?<second>[0-9]{2}))?)? ?(?<meridiem>am|pm)?";

    /// <summary>
    /// Accepts <c>2026-12-01 09:30</c> (seconds, a <c>T</c>, an offset or <c>Z</c> optional), <c>in 2h</c> / <c>in 1d 3h</c> /
    /// <c>in 2 hours 30 minutes</c>, <c>today 18:00</c>, <c>tomorrow 9am</c>, and a bare <c>09:00</c> or <c>9pm</c>
    /// (the next time that wall-clock time comes). Refuses times DST skips, times not after now, and times over 366 days ahead.
    /// </summary>
    public static bool TryParse(string? text, TimeZoneInfo zone, DateTimeOffset nowUtc, out DateTimeOffset whenUtc, out string? error)
    {
        ArgumentNullException.ThrowIfNull(zone);
        whenUtc = default;
        var typed = string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (typed.Length == 0)
        {
            error = $"No time given: {Examples}.";
            return false;
        }

        var input = typed.ToLowerInvariant();
        var reading = TryReadRelative(input, nowUtc)
            ?? TryReadAbsolute(input, zone)
            ?? TryReadDayAndTime(input, zone, nowUtc)
            ?? TryReadBareTime(input, zone, nowUtc)
            ?? Reading.Fail($"Could not read the time '{ReplyText.Quote(typed)}': {Examples}.");
        if (reading.Error is not null)
        {
            error = reading.Error;
            return false;
        }

        var when = reading.Instant;
        if (when <= nowUtc)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"That time is in the past (it was {WallClock.ToLocal(when, zone):yyyy-MM-dd HH:mm} {zone.Id}).");
            return false;
        }

        if (when - nowUtc > TimeSpan.FromDays(MaxDaysAhead))
        {
            error = TooFarAhead;
            return false;
        }

        whenUtc = when.ToUniversalTime();
        error = null;
        return true;
    }

    private static string TooFarAhead => string.Create(CultureInfo.InvariantCulture, $"That time is more than {MaxDaysAhead} days ahead; pick one within a year.");

    // "in 1d 3h" is elapsed time: a day is 24 hours even across a DST change.
    private static Reading? TryReadRelative(string input, DateTimeOffset nowUtc)
    {
        var match = RelativeTime().Match(input);
        if (!match.Success)
        {
            return null;
        }

        long minutes = 0;
        foreach (Match part in RelativePart().Matches(match.Groups["parts"].Value))
        {
            var unitMinutes = part.Groups["unit"].Value switch
            {
                "m" or "min" or "mins" or "minute" or "minutes" => 1,
                "h" or "hr" or "hrs" or "hour" or "hours" => 60,
                "d" or "day" or "days" => 60 * 24,
                "w" or "week" or "weeks" => 60 * 24 * 7,
                _ => 0,
            };
            if (unitMinutes == 0)
            {
                return null;
            }

            minutes += long.Parse(part.Groups["count"].Value, CultureInfo.InvariantCulture) * unitMinutes;
        }

        // Checked before adding, so "in 999999w" is refused rather than overflowing.
        return minutes > MaxDaysAhead * 24L * 60 ? Reading.Fail(TooFarAhead) : Reading.At(nowUtc.AddMinutes(minutes));
    }

    private static Reading? TryReadAbsolute(string input, TimeZoneInfo zone)
    {
        var match = AbsoluteTime().Match(input);
        // Years at either end of DateTimeOffset's range would overflow when shifted by a zone offset.
        if (!match.Success
            || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || date.Year is < 2 or > 9998
            || ReadTimeOfDay(match) is not { } time)
        {
            return null;
        }

        var local = date.ToDateTime(time);
        var offsetText = match.Groups["offset"].Value;
        if (offsetText.Length == 0)
        {
            return AtLocal(local, zone);
        }

        return ReadOffset(offsetText) is { } offset ? Reading.At(new DateTimeOffset(local, offset)) : null;
    }

    private static Reading? TryReadDayAndTime(string input, TimeZoneInfo zone, DateTimeOffset nowUtc)
    {
        var match = DayAndTime().Match(input);
        if (!match.Success || ReadTimeOfDay(match) is not { } time)
        {
            return null;
        }

        var today = WallClock.ToLocal(nowUtc, zone).Date;
        var day = match.Groups["day"].Value == "tomorrow" ? today.AddDays(1) : today;
        return AtLocal(day + time.ToTimeSpan(), zone);
    }

    private static Reading? TryReadBareTime(string input, TimeZoneInfo zone, DateTimeOffset nowUtc)
    {
        var match = BareTime().Match(input);
        if (!match.Success || ReadTimeOfDay(match) is not { } time)
        {
            return null;
        }

        var localNow = WallClock.ToLocal(nowUtc, zone);
        var local = localNow.Date + time.ToTimeSpan();
        // A time DST skips today has passed once the wall clock is beyond it; otherwise it is refused below.
        var passed = WallClock.TryToInstant(local, zone) is { } instant ? instant <= nowUtc : local <= localNow;
        return AtLocal(passed ? local.AddDays(1) : local, zone);
    }

    private static Reading AtLocal(DateTime local, TimeZoneInfo zone) =>
        WallClock.TryToInstant(local, zone) is { } instant
            ? Reading.At(instant)
            : Reading.Fail(string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (clocks go forward); pick another time."));

    private static TimeOnly? ReadTimeOfDay(Match match)
    {
        var hour = int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture);
        var minute = match.Groups["minute"].Success ? int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture) : 0;
        var second = match.Groups["second"].Success ? int.Parse(match.Groups["second"].Value, CultureInfo.InvariantCulture) : 0;
        var meridiem = match.Groups["meridiem"].Value;
        if (meridiem.Length == 0 && !match.Groups["minute"].Success)
        {
            return null; // a bare "9" could be a date, a count or an hour
        }

        if (meridiem.Length > 0)
        {
            if (hour is < 1 or > 12)
            {
                return null;
            }

            hour = (hour % 12) + (meridiem == "pm" ? 12 : 0);
        }

        return hour < 24 && minute < 60 && second < 60 ? new TimeOnly(hour, minute, second) : null;
    }

    private static TimeSpan? ReadOffset(string text)
    {
        if (text == "z")
        {
            return TimeSpan.Zero;
        }

        var digits = text[1..].Replace(":", string.Empty, StringComparison.Ordinal);
        var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var minutes = digits.Length > 2 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
        if (hours > 14 || minutes > 59)
        {
            return null;
        }

        var offset = new TimeSpan(hours, minutes, 0);
        return text[0] == '-' ? -offset : offset;
    }

    [GeneratedRegex("^in(?<parts>(?: ?[0-9]{1,6} ?[a-z]+)+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RelativeTime();

    [GeneratedRegex("(?<count>[0-9]+) ?(?<unit>[a-z]+)", RegexOptions.CultureInvariant)]
    private static partial Regex RelativePart();

    [GeneratedRegex("^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[t ]" + TimeOfDayPattern + "(?: ?(?<offset>z|[+-][0-9]{2}(?::?[0-9]{2})?))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AbsoluteTime();

    [GeneratedRegex("^(?<day>today|tomorrow) (?:at )?" + TimeOfDayPattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex DayAndTime();

    [GeneratedRegex("^(?:at )?" + TimeOfDayPattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex BareTime();

    /// <summary>Either the instant the text names or why it names none.</summary>
    private readonly record struct Reading(DateTimeOffset Instant, string? Error)
    {
        public static Reading At(DateTimeOffset instant) => new(instant, null);

        public static Reading Fail(string error) => new(default, error);
    }
}
