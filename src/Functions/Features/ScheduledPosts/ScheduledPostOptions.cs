using Microsoft.Extensions.Options;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The scheduled-post pipeline's pacing, bound from <c>ScheduledPosts__*</c>; what <c>/schedule</c> allows (same section) is
/// <see cref="Domain.Features.ScheduledPosts.ScheduleOptions"/>, bound by its feature.
/// </summary>
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

    /// <summary>An occurrence published later than this after its due time counts in <c>bot.scheduled_posts.late</c>.</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class ScheduledPostOptionsValidator : IValidateOptions<ScheduledPostOptions>
{
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

        if (options.LateAfter <= TimeSpan.Zero)
        {
            failures.Add($"ScheduledPosts__LateAfter must be positive (it is {options.LateAfter}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
