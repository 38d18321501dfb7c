using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Domain.Community;

/// <summary>
/// The guild's own calendar for the community features: its time zone (set with <c>/schedule timezone</c>, UTC until
/// then) and the local days and months their rules and timers count in.
/// </summary>
public sealed class GuildCalendar(IScheduledPostStore store, TimeProvider timeProvider)
{
    /// <summary>The guild's zone; UTC when none is set or the stored one is no longer known.</summary>
    public async Task<TimeZoneInfo> GetZoneAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var name = await store.GetTimeZoneAsync(guildId, cancellationToken);
        return GuildTimeZones.TryFind(name, out var zone, out _) ? zone : GuildTimeZones.Utc;
    }

    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();

    /// <summary>The calendar day an instant falls on in the zone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(WallClock.ToLocal(instant, zone));

    /// <summary>The instant a local day starts (after the gap, when clocks skip midnight).</summary>
    public static DateTimeOffset StartOf(DateOnly day, TimeZoneInfo zone) =>
        WallClock.ToInstantSkippingGap(day.ToDateTime(TimeOnly.MinValue), zone);
}
