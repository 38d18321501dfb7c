namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>Converts between instants and a zone's wall-clock time, handling the hour that DST skips or repeats.</summary>
internal static class WallClock
{
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;

    /// <summary>The instant a wall-clock time names, the earlier one when clocks go back; null when clocks skip it.</summary>
    public static DateTimeOffset? TryToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            return null;
        }

        // The larger offset names the earlier instant.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>Like <see cref="TryToInstant"/>, but a skipped time becomes the first instant after the gap, so a repeat still fires that day.</summary>
    public static DateTimeOffset ToInstantSkippingGap(DateTime local, TimeZoneInfo zone)
    {
        if (TryToInstant(local, zone) is { } instant)
        {
            return instant;
        }

        // Clocks jump on whole minutes, so the first valid whole minute is where the gap ends.
        var probe = new DateTime(local.Ticks - (local.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(probe))
        {
            probe = probe.AddMinutes(1);
        }

        return TryToInstant(probe, zone)!.Value;
    }
}
