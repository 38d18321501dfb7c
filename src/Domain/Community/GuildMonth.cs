using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Domain.Community;

/// <summary>A calendar month as a guild lives it (in its time zone), written <c>yyyy-MM</c> in keys and rows.</summary>
public readonly record struct GuildMonth
{
    public GuildMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    public static GuildMonth Of(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var day = GuildCalendar.LocalDate(instant, zone);
        return new GuildMonth(day.Year, day.Month);
    }

    public GuildMonth Next => Month == 12 ? new GuildMonth(Year + 1, 1) : new GuildMonth(Year, Month + 1);

    public GuildMonth Previous => Month == 1 ? new GuildMonth(Year - 1, 12) : new GuildMonth(Year, Month - 1);

    /// <summary>The instant the month starts in the zone; it ends where <see cref="Next"/> starts.</summary>
    public DateTimeOffset StartUtc(TimeZoneInfo zone) => GuildCalendar.StartOf(new DateOnly(Year, Month, 1), zone);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary>For people: <c>December 2026</c>.</summary>
    public string DisplayName => new DateOnly(Year, Month, 1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, [NotNullWhen(true)] out GuildMonth? month)
    {
        month = null;
        if (text is { Length: 7 } && text[4] == '-'
            && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 9998
            && int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 12)
        {
            month = new GuildMonth(year, number);
            return true;
        }

        return false;
    }
}
