using Microsoft.Extensions.Options;

namespace Serverless.Functions.Features.Housekeeping;

/// <summary>How long finished rows are kept and how much one <c>housekeeping</c> run may do, bound from <c>Housekeeping__*</c>.</summary>
public sealed class HousekeepingOptions
{
    public const string SectionName = "Housekeeping";

    /// <summary>
    /// <c>interactionruns</c> rows (one per deferred interaction answered) older than this go. A row only stops a
    /// redelivered message from answering twice, and messages older than the token's 15 minutes are dropped anyway.
    /// </summary>
    public TimeSpan InteractionRunsRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary><c>ratelimits</c> bucket rows untouched and past their window for this long, and invalid-request counts this old, go.</summary>
    public TimeSpan RateLimitsRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary><c>commandlimits</c> buckets (per user or guild and command group) not taken from for this long go; they would be full again anyway.</summary>
    public TimeSpan CommandLimitsRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Finished <c>scheduledposts</c> (one-offs published, failed or cancelled; cancelled repeats) unchanged for this long go.</summary>
    public TimeSpan FinishedPostsRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows read per query page (Tables returns at most 1000).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>A run stops starting pages after this long; what is left goes in the next run.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class HousekeepingOptionsValidator : IValidateOptions<HousekeepingOptions>
{
    // Above the interaction token's 15 minutes and the invalid-request window, with room to spare.
    private static readonly TimeSpan MinShortRetention = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinPostsRetention = TimeSpan.FromDays(1);

    // Under host.json's functionTimeout (5 min), so a run ends on its own.
    private static readonly TimeSpan MinBudget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBudget = TimeSpan.FromMinutes(4);

    public ValidateOptionsResult Validate(string? name, HousekeepingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.InteractionRunsRetention < MinShortRetention)
        {
            failures.Add($"Housekeeping__InteractionRunsRetention must be at least {MinShortRetention} (it is {options.InteractionRunsRetention}).");
        }

        if (options.RateLimitsRetention < MinShortRetention)
        {
            failures.Add($"Housekeeping__RateLimitsRetention must be at least {MinShortRetention} (it is {options.RateLimitsRetention}).");
        }

        if (options.CommandLimitsRetention < MinShortRetention)
        {
            failures.Add($"Housekeeping__CommandLimitsRetention must be at least {MinShortRetention} (it is {options.CommandLimitsRetention}).");
        }

        if (options.FinishedPostsRetention < MinPostsRetention)
        {
            failures.Add($"Housekeeping__FinishedPostsRetention must be at least {MinPostsRetention} (it is {options.FinishedPostsRetention}).");
        }

        if (options.PageSize is < 1 or > 1000)
        {
            failures.Add($"Housekeeping__PageSize must be between 1 and 1000 (it is {options.PageSize}).");
        }

        if (options.TimeBudget < MinBudget || options.TimeBudget > MaxBudget)
        {
            failures.Add($"Housekeeping__TimeBudget must be between {MinBudget} and {MaxBudget} (it is {options.TimeBudget}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
