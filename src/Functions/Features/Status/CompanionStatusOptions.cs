using Microsoft.Extensions.Options;

namespace Serverless.Functions.Features.Status;

/// <summary>The <c>Companion</c> configuration section as the Functions app reads it (environment: <c>Companion__*</c>).</summary>
public sealed class CompanionStatusOptions
{
    public const string SectionName = "Companion";

    /// <summary>
    /// A heartbeat older than this is stale: <c>/status</c> and <c>/api/healthz</c> then report the gateway and Lavalink
    /// as degraded. The companion writes one every 15–30 s, so the default allows a few missed beats.
    /// </summary>
    public TimeSpan HeartbeatStaleAfter { get; set; } = TimeSpan.FromSeconds(90);
}

public sealed class CompanionStatusOptionsValidator : IValidateOptions<CompanionStatusOptions>
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Max = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, CompanionStatusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.HeartbeatStaleAfter < Min || options.HeartbeatStaleAfter > Max
            ? ValidateOptionsResult.Fail($"Companion__HeartbeatStaleAfter must be between {Min} and {Max}.")
            : ValidateOptionsResult.Success;
    }
}
