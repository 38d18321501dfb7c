using Microsoft.Extensions.Options;

namespace Serverless.Domain.Projections;

/// <summary>The <c>Projections</c> section (environment: <c>Projections__*</c>).</summary>
public sealed class ProjectionOptions
{
    public const string SectionName = "Projections";

    /// <summary>How long a refresh waits after the first change, so the changes within it make one edit.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The least time between two edits of one dashboard's message: changes that keep arriving make one edit per
    /// interval, not one per window, which keeps a busy guild's dashboards well inside Discord's per-channel limits.
    /// </summary>
    public TimeSpan MinEditInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After this long past its due time a queued refresh counts as lost (its run failed or is stuck), and the next
    /// change queues another.
    /// </summary>
    public TimeSpan PendingGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After Discord refuses an edit with 30046, the refresh is tried again after this, doubling each time.</summary>
    public TimeSpan EditRefusedBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refused edits in a row after which the message is posted afresh and the old one deleted.</summary>
    public int EditRefusedRetries { get; set; } = 3;

    /// <summary>How long one refresher may take to post a new message before another may try.</summary>
    public TimeSpan CreateLease { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class ProjectionOptionsValidator : IValidateOptions<ProjectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.CoalesceWindow < TimeSpan.Zero || options.CoalesceWindow > TimeSpan.FromMinutes(1))
        {
            failures.Add("Projections__CoalesceWindow must be between 00:00:00 and 00:01:00.");
        }

        if (options.MinEditInterval < TimeSpan.Zero || options.MinEditInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Projections__MinEditInterval must be between 00:00:00 and 00:01:00.");
        }

        if (options.PendingGrace < TimeSpan.FromSeconds(1) || options.PendingGrace > TimeSpan.FromMinutes(10))
        {
            failures.Add("Projections__PendingGrace must be between 00:00:01 and 00:10:00.");
        }

        if (options.EditRefusedBackoff < TimeSpan.Zero || options.EditRefusedBackoff > TimeSpan.FromMinutes(10))
        {
            failures.Add("Projections__EditRefusedBackoff must be between 00:00:00 and 00:10:00.");
        }

        if (options.EditRefusedRetries is < 0 or > 20)
        {
            failures.Add("Projections__EditRefusedRetries must be 0 to 20.");
        }

        if (options.CreateLease < TimeSpan.FromSeconds(5) || options.CreateLease > TimeSpan.FromMinutes(5))
        {
            failures.Add("Projections__CreateLease must be between 00:00:05 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
