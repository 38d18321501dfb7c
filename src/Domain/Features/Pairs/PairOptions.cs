using Microsoft.Extensions.Options;

namespace Serverless.Domain.Features.Pairs;

/// <summary>The <c>Pairs</c> section (environment: <c>Pairs__*</c>).</summary>
public sealed class PairOptions
{
    public const string SectionName = "Pairs";

    /// <summary>How long the invited member has to accept; the invite holds both members until then.</summary>
    public TimeSpan InviteTimeout { get; set; } = TimeSpan.FromHours(24);
}

public sealed class PairOptionsValidator : IValidateOptions<PairOptions>
{
    public ValidateOptionsResult Validate(string? name, PairOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.InviteTimeout < TimeSpan.FromMinutes(1) || options.InviteTimeout > TimeSpan.FromDays(7)
            ? ValidateOptionsResult.Fail("Pairs__InviteTimeout must be between 00:01:00 and 7.00:00:00.")
            : ValidateOptionsResult.Success;
    }
}
