using Microsoft.Extensions.Options;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>The scheduled-post pipeline's pacing, bound from <c>ScheduledPosts__*</c>.</summary>
public sealed class ScheduledPostOptions
{
    public const string SectionName = "ScheduledPosts";

    /// <summary>How long a claim is the publisher's; after it the timer claims the occurrence again.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Tries of one occurrence (transient failures only) before the post is marked failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Back-off after the first transient failure; doubles each try, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Posts a server may have waiting (pending, publishing or failed) at once; <c>/schedule create</c> refuses more.</summary>
    public int MaxPostsPerGuild { get; set; } = ScheduleLimits.Default.MaxActivePostsPerGuild;

    /// <summary>The shortest gap a repeating post's cron may leave between two posts.</summary>
    public TimeSpan MinRepeatInterval { get; set; } = ScheduleLimits.Default.MinRepeatInterval;

    public ScheduleLimits Limits => new(MaxPostsPerGuild, MinRepeatInterval);
}

public sealed class ScheduledPostOptionsValidator : IValidateOptions<ScheduledPostOptions>
{
    // A server's active posts are counted on every create: the count must stay one small read.
    private const int MaxPostsPerGuild = 1000;

    public ValidateOptionsResult Validate(string? name, ScheduledPostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Lease < TimeSpan.FromSeconds(10))
        {
            failures.Add($"ScheduledPosts__Lease must be at least 00:00:10 (it is {options.Lease}).");
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"ScheduledPosts__MaxAttempts must be at least 1 (it is {options.MaxAttempts}).");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("ScheduledPosts__RetryBaseDelay must be positive and ScheduledPosts__RetryMaxDelay at least as long.");
        }

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
