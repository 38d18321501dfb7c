using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Ops.Tests;

/// <summary>Scheduled posts as the bot stores them, for the commands that list, move or back them up.</summary>
internal static class SamplePosts
{
    /// <summary>A one-off post in channel 5, due an hour after <paramref name="now"/>.</summary>
    public static ScheduledPost Pending(ulong guild, string id, DateTimeOffset now) => new()
    {
        Id = id,
        GuildId = guild,
        ChannelId = 5,
        Content = "hello",
        Anchor = now.AddHours(1),
        NextRunAt = now.AddHours(1),
        CreatedBy = 1,
        CreatedAt = now,
    };
}
