using Microsoft.Extensions.Options;

namespace Serverless.Companion.Health;

/// <summary>Section <c>Companion:Heartbeat</c>.</summary>
public sealed class HeartbeatOptions
{
    public const string SectionName = "Companion:Heartbeat";

    /// <summary>How often the heartbeat row is written; the Functions app calls a heartbeat stale after a few of these.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Refuses an interval that would flood the table or make the heartbeat look stale, naming the setting.</summary>
public sealed class HeartbeatOptionsValidator : IValidateOptions<HeartbeatOptions>
{
    public ValidateOptionsResult Validate(string? name, HeartbeatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromMinutes(5)
            ? ValidateOptionsResult.Fail("Companion__Heartbeat__Interval must be between 00:00:01 and 00:05:00.")
            : ValidateOptionsResult.Success;
    }
}
