namespace Serverless.Domain;

public static class Snowflake
{
    /// <summary>Discord's epoch, the first second of 2015, in Unix milliseconds.</summary>
    public const long DiscordEpochMilliseconds = 1420070400000;

    /// <summary>When Discord created the object with this id (for an interaction: when it was sent).</summary>
    public static DateTimeOffset CreatedAt(ulong id) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(id >> 22) + DiscordEpochMilliseconds);

    /// <summary>The lowest id Discord could give an object created at <paramref name="at"/>: a bound for <c>after</c>/<c>before</c>.</summary>
    public static ulong AtTime(DateTimeOffset at) =>
        (ulong)Math.Max(0, at.ToUnixTimeMilliseconds() - DiscordEpochMilliseconds) << 22;
}
