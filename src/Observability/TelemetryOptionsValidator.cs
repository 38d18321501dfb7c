using Microsoft.Extensions.Options;

namespace Serverless.Observability;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.SamplingRatio is >= 0 and <= 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TelemetryOptions.SectionName}__{nameof(TelemetryOptions.SamplingRatio)} must be between 0 and 1.");
}
