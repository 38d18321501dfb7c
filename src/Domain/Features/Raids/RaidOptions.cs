using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Raids;

/// <summary>The <c>Raids</c> section (environment: <c>Raids__*</c>).</summary>
public sealed class RaidOptions
{
    public const string SectionName = "Raids";

    /// <summary>How long a member waits between two attacks on the same raid.</summary>
    public TimeSpan AttackCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An attack deals between <see cref="MinDamage"/> and <see cref="MaxDamage"/>, picked from its interaction id.</summary>
    public int MinDamage { get; set; } = 50;

    public int MaxDamage { get; set; } = 150;

    /// <summary>The shortest and longest raid <c>/raid start</c> accepts.</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromDays(14);
}

public sealed class RaidOptionsValidator : IValidateOptions<RaidOptions>
{
    public ValidateOptionsResult Validate(string? name, RaidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.AttackCooldown < TimeSpan.Zero || options.AttackCooldown > TimeSpan.FromHours(1))
        {
            failures.Add("Raids__AttackCooldown must be between 00:00:00 and 01:00:00.");
        }

        if (options.MinDamage is < 1 or > 1_000_000 || options.MaxDamage < options.MinDamage || options.MaxDamage > 1_000_000)
        {
            failures.Add("Raids__MinDamage and Raids__MaxDamage must be 1 to 1000000, the minimum at most the maximum.");
        }

        if (options.MinDuration < TimeSpan.FromMinutes(1) || options.MaxDuration < options.MinDuration || options.MaxDuration > TimeSpan.FromDays(31))
        {
            failures.Add("Raids__MinDuration and Raids__MaxDuration must be between 00:01:00 and 31.00:00:00, the minimum at most the maximum.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
