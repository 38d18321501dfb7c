using Microsoft.Extensions.Options;

namespace Serverless.Functions.Features.Health;

/// <summary>What the health probes may cost, bound from <c>Health__*</c>.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>
    /// How long one probe of every dependency answers <c>/api/healthz</c> and <c>/api/healthz/detail</c> on this
    /// instance: the routes can be hit by anyone, and each probe costs a Discord call and seven storage reads.
    /// </summary>
    public TimeSpan ProbeCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While Discord rejects the bot token (<c>DiscordTokenState</c>), the Discord probe reports <c>unauthorized</c>
    /// without asking, except once per this interval: a 401 counts toward Discord's invalid-request budget.
    /// </summary>
    public TimeSpan RejectedTokenRecheckInterval { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    private static readonly TimeSpan MinCache = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxCache = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinRecheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxRecheck = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ProbeCacheDuration < MinCache || options.ProbeCacheDuration > MaxCache)
        {
            failures.Add($"Health__ProbeCacheDuration must be between {MinCache} and {MaxCache} (it is {options.ProbeCacheDuration}).");
        }

        if (options.RejectedTokenRecheckInterval < MinRecheck || options.RejectedTokenRecheckInterval > MaxRecheck)
        {
            failures.Add($"Health__RejectedTokenRecheckInterval must be between {MinRecheck} and {MaxRecheck} (it is {options.RejectedTokenRecheckInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
