namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>How much one server may schedule: bound from <c>ScheduledPosts__*</c> settings (<see cref="ScheduleOptions"/>).</summary>
/// <param name="MaxActivePostsPerGuild">Posts not yet finished (pending, publishing or failed) a server may have at once.</param>
/// <param name="MinRepeatInterval">The shortest gap a repeating post may leave between two occurrences.</param>
public sealed record ScheduleLimits(int MaxActivePostsPerGuild, TimeSpan MinRepeatInterval)
{
    public static ScheduleLimits Default { get; } = new(25, TimeSpan.FromMinutes(10));
}
