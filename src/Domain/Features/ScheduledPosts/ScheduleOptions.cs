using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// What <c>/schedule</c> lets one server schedule, bound from <c>ScheduledPosts__*</c> by <see cref="ScheduleFeature"/>
/// (the publisher's pacing in the same section is the host's).
/// </summary>
public sealed class ScheduleOptions
{
    public const string SectionName = "ScheduledPosts";

    /// <summary>Posts a server may have waiting (pending, publishing or failed) at once; <c>/schedule create</c> refuses more.</summary>
    public int MaxPostsPerGuild { get; set; } = ScheduleLimits.Default.MaxActivePostsPerGuild;

    /// <summary>The shortest gap a repeating post's cron may leave between two posts.</summary>
    public TimeSpan MinRepeatInterval { get; set; } = ScheduleLimits.Default.MinRepeatInterval;

    public ScheduleLimits Limits => new(MaxPostsPerGuild, MinRepeatInterval);
}

public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    // A server's active posts are counted on every create: the count must stay one small read.
    private const int MaxPostsPerGuild = 1000;

    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxPostsPerGuild is < 1 or > MaxPostsPerGuild)
        {
            failures.Add($"ScheduledPosts__MaxPostsPerGuild must be between 1 and {MaxPostsPerGuild} (it is {options.MaxPostsPerGuild}).");
        }

        // The timer runs every minute; daily and weekly repeats must stay allowed.
        if (options.MinRepeatInterval < TimeSpan.FromMinutes(1) || options.MinRepeatInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"ScheduledPosts__MinRepeatInterval must be between 00:01:00 and 1.00:00:00 (it is {options.MinRepeatInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
