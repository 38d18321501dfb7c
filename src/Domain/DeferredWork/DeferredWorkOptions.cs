using Microsoft.Extensions.Options;

namespace Serverless.Domain.DeferredWork;

/// <summary>
/// The <c>DeferredWork</c> section (environment: <c>DeferredWork__*</c>), read by every process that runs deferred
/// work: the Functions app's <c>interaction-worker</c> and the companion's <c>voice</c> queue consumer.
/// </summary>
public sealed class DeferredWorkOptions
{
    public const string SectionName = "DeferredWork";

    /// <summary>
    /// Work whose interaction is older than this is dropped, not run: the interaction token dies at 15 minutes and an
    /// edit after that only earns Discord's 10062 errors.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(14);
}

/// <summary>Refuses a deadline the interaction token cannot honour, naming the setting.</summary>
public sealed class DeferredWorkOptionsValidator : IValidateOptions<DeferredWorkOptions>
{
    /// <summary>How long Discord accepts edits with an interaction token.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    public ValidateOptionsResult Validate(string? name, DeferredWorkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Deadline <= TimeSpan.Zero || options.Deadline > TokenLifetime
            ? ValidateOptionsResult.Fail("DeferredWork__Deadline must be positive and at most 00:15:00, the interaction token's lifetime.")
            : ValidateOptionsResult.Success;
    }
}
