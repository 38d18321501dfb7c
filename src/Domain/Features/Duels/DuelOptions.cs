using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Duels;

/// <summary>The <c>Duels</c> section (environment: <c>Duels__*</c>).</summary>
public sealed class DuelOptions
{
    public const string SectionName = "Duels";

    /// <summary>How long the challenged member has to accept.</summary>
    public TimeSpan ChallengeTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class DuelOptionsValidator : IValidateOptions<DuelOptions>
{
    public ValidateOptionsResult Validate(string? name, DuelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ChallengeTimeout < TimeSpan.FromSeconds(10) || options.ChallengeTimeout > TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail("Duels__ChallengeTimeout must be between 00:00:10 and 1.00:00:00.")
            : ValidateOptionsResult.Success;
    }
}
