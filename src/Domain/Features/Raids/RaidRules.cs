using System.Buffers.Binary;
using System.Security.Cryptography;
using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Raids;

/// <summary>
/// The raid's pure rules: what <c>/raid start</c> accepts, how much an attack deals, the cooldown, and when a raid
/// ends (its goal reached, or its time up). The handlers read, ask here, and write with ETags.
/// </summary>
public static class RaidRules
{
    public const int MaxNameLength = 60;
    public const long MaxGoal = 1_000_000_000;

    /// <summary>Why the raid may not start, or null.</summary>
    public static string? StartRefusal(string? name, long goal, TimeSpan duration, RaidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(name) ? "Give the raid a name."
            : name.Trim().Length > MaxNameLength ? $"A raid's name is at most {MaxNameLength} characters."
            : goal is < 1 or > MaxGoal ? $"The goal is 1 to {MaxGoal:N0} damage."
            : duration < options.MinDuration || duration > options.MaxDuration
                ? $"A raid lasts {Describe(options.MinDuration)} to {Describe(options.MaxDuration)}."
            : null;
    }

    public static Raid Start(ulong guildId, string id, string name, long goal, ulong channelId, ulong startedBy, DateTimeOffset now, TimeSpan duration) => new()
    {
        GuildId = guildId,
        Id = id,
        Name = name.Trim(),
        Goal = goal,
        ChannelId = channelId,
        StartedBy = startedBy,
        StartedAt = now,
        EndsAt = now + duration,
    };

    /// <summary>
    /// The damage of the attack made by <paramref name="interactionId"/>: a hash of the id mapped into the options'
    /// range, so a replayed interaction deals exactly what the first delivery did.
    /// </summary>
    public static long Damage(ulong interactionId, RaidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(id, interactionId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(id, hash);
        var span = (ulong)(options.MaxDamage - options.MinDamage + 1);
        return options.MinDamage + (long)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % span);
    }

    /// <summary>How long the member still waits before attacking again; zero when they may.</summary>
    public static TimeSpan CooldownLeft(DateTimeOffset? lastAttackAt, DateTimeOffset now, TimeSpan cooldown)
    {
        if (lastAttackAt is not { } last)
        {
            return TimeSpan.Zero;
        }

        var left = last + cooldown - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>The raid after an attack of <paramref name="damage"/>: won (and ended in <paramref name="month"/>) when it reaches the goal.</summary>
    public static Raid Attack(Raid raid, long damage, DateTimeOffset now, GuildMonth month)
    {
        ArgumentNullException.ThrowIfNull(raid);
        if (!raid.IsActive)
        {
            throw new InvalidOperationException($"Raid {raid.Id} has ended.");
        }

        var total = raid.Total + damage;
        return total >= raid.Goal
            ? raid with { Total = total, Status = RaidStatus.Won, EndedAt = now, EndedMonth = month }
            : raid with { Total = total };
    }

    /// <summary>Whether the raid's time is up at <paramref name="now"/>.</summary>
    public static bool IsOverdue(Raid raid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(raid);
        return raid.IsActive && now >= raid.EndsAt;
    }

    /// <summary>
    /// The raid ended by its clock: it ended at its end time (not when a late timer noticed), in the month of that time.
    /// </summary>
    public static Raid Expire(Raid raid, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(raid);
        return raid with { Status = RaidStatus.TimeRanOut, EndedAt = raid.EndsAt, EndedMonth = GuildMonth.Of(raid.EndsAt, zone) };
    }

    public static Raid Stop(Raid raid, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(raid);
        return raid with { Status = RaidStatus.Stopped, EndedAt = now, EndedMonth = GuildMonth.Of(now, zone) };
    }

    public static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0 ? Plural((int)span.TotalHours, "hour")
        : span.TotalMinutes >= 1 && span.Ticks % TimeSpan.TicksPerMinute == 0 ? Plural((int)span.TotalMinutes, "minute")
        : Plural((int)Math.Ceiling(span.TotalSeconds), "second");

    private static string Plural(int count, string unit) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? "" : "s")}");
}
