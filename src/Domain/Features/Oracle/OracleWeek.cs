using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// An ISO week as the guild lives it (of a local date in its zone), written <c>yyyy-Www</c> for people and
/// <c>yyyy-www</c> (lower case) in keys and custom_ids, where projection keys allow lower case only.
/// </summary>
public readonly record struct OracleWeek
{
    public OracleWeek(int year, int week)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        ArgumentOutOfRangeException.ThrowIfLessThan(week, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(week, ISOWeek.GetWeeksInYear(year));
        Year = year;
        Week = week;
    }

    /// <summary>The ISO week-numbering year (the first days of January may belong to the year before).</summary>
    public int Year { get; }

    public int Week { get; }

    public static OracleWeek Of(DateOnly localDay)
    {
        var date = localDay.ToDateTime(TimeOnly.MinValue);
        return new OracleWeek(ISOWeek.GetYear(date), ISOWeek.GetWeekOfYear(date));
    }

    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));

    /// <summary>The local date of <paramref name="day"/> in this week (weeks run Monday to Sunday).</summary>
    public DateOnly DateOf(DayOfWeek day) => Monday.AddDays(((int)day + 6) % 7);

    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-w{Week:D2}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{Week:D2}");

    /// <summary>Reads <see cref="Key"/> (either case of the W).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out OracleWeek? week)
    {
        week = null;
        if (text is { Length: 8 } && text[4] == '-' && text[5] is 'w' or 'W'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 9998
            && int.TryParse(text.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= ISOWeek.GetWeeksInYear(year))
        {
            week = new OracleWeek(year, number);
            return true;
        }

        return false;
    }
}
