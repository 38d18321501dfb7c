using Microsoft.Extensions.Options;

namespace Serverless.Companion.Leadership;

/// <summary>
/// Section <c>Companion:Lease</c>: the one-companion lease. A holder that dies is replaced within
/// <see cref="Duration"/> + <see cref="PollInterval"/>; one that stops gracefully within <see cref="PollInterval"/>.
/// </summary>
public sealed class CompanionLeaseOptions
{
    public const string SectionName = "Companion:Lease";

    /// <summary>How long a lease lasts without renewal.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews it; at most a third of <see cref="Duration"/>, so one failed renewal is survived.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a standby tries to take it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long before the expiry it wrote a holder that could not renew stops its active work: the time the gateway
    /// close takes, and the clock skew between two companions' hosts that stays safe.
    /// </summary>
    public TimeSpan StopMargin => RenewInterval / 2;
}

/// <summary>Refuses timings under which two companions could both be active, naming the setting.</summary>
public sealed class CompanionLeaseOptionsValidator : IValidateOptions<CompanionLeaseOptions>
{
    public ValidateOptionsResult Validate(string? name, CompanionLeaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RenewInterval < TimeSpan.FromMilliseconds(100) || options.RenewInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Companion__Lease__RenewInterval must be between 00:00:00.100 and 00:01:00.");
        }

        if (options.Duration <= options.RenewInterval * 2 || options.Duration > TimeSpan.FromMinutes(5))
        {
            failures.Add("Companion__Lease__Duration must be more than twice Companion__Lease__RenewInterval and at most 00:05:00.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Companion__Lease__PollInterval must be between 00:00:00.100 and 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
