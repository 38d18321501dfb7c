using Microsoft.Extensions.Options;

namespace Serverless.Domain.Controls;

/// <summary>The <c>Controls</c> section (environment: <c>Controls__*</c>): how each instance keeps its copy of the operator controls.</summary>
public sealed class ControlsOptions
{
    public const string SectionName = "Controls";

    /// <summary>The longest a change waits to reach an instance: at most 30 s, so switches and blocks apply everywhere within that.</summary>
    public static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>How old the cached controls may get before the next interaction reloads them.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a reload may take before the cached controls (or none, on the very first load) are served instead.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class ControlsOptionsValidator : IValidateOptions<ControlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RefreshInterval <= TimeSpan.Zero || options.RefreshInterval > ControlsOptions.MaxRefreshInterval)
        {
            failures.Add("Controls__RefreshInterval must be positive and at most 00:00:30, so a kill switch reaches every instance within 30 seconds.");
        }

        if (options.LoadTimeout <= TimeSpan.Zero || options.LoadTimeout > TimeSpan.FromSeconds(10))
        {
            failures.Add("Controls__LoadTimeout must be positive and at most 00:00:10: interactions wait on it.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
