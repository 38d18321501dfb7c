using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Finds a guild's IANA time zone and shows instants in it.</summary>
public static class GuildTimeZones
{
    /// <summary>No IANA zone name is longer; the zone option's max_length.</summary>
    public const int MaxNameLength = 64;

    public static TimeZoneInfo Utc => TimeZoneInfo.Utc;

    /// <summary>Finds an IANA zone such as <c>Europe/Paris</c>; null or empty means UTC.</summary>
    public static bool TryFind(string? ianaName, out TimeZoneInfo zone, out string? error)
    {
        zone = Utc;
        error = null;
        var name = ianaName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return true;
        }

        if (LooksLikeIanaName(name) && (Find(name) ?? Find(CanonicalCase(name))) is { HasIanaId: true } found)
        {
            zone = found;
            return true;
        }

        error = $"Unknown time zone '{ReplyText.Quote(name)}': use an IANA name such as Europe/Paris or America/New_York.";
        return false;
    }

    /// <summary>An instant as guild staff read it: <c>2026-12-01 09:30 (Europe/Paris)</c>.</summary>
    public static string Format(DateTimeOffset instantUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return string.Create(CultureInfo.InvariantCulture, $"{WallClock.ToLocal(instantUtc, zone):yyyy-MM-dd HH:mm} ({zone.Id})");
    }

    // Zone ids become file paths under the tz database, so anything but id characters is refused before the lookup.
    private static bool LooksLikeIanaName(string name) =>
        name.Length <= MaxNameLength
        && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+');

    private static TimeZoneInfo? Find(string? name)
    {
        if (name is null)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    // Staff type "europe/paris"; the tz database is case-sensitive on Linux.
    private static string? CanonicalCase(string name) =>
        TimeZoneInfo.GetSystemTimeZones()
            .Select(z => z.Id)
            .FirstOrDefault(id => string.Equals(id, name, StringComparison.OrdinalIgnoreCase) && !string.Equals(id, name, StringComparison.Ordinal));
}
