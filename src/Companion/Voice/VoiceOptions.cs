using Microsoft.Extensions.Options;

namespace Serverless.Companion.Voice;

/// <summary>Voice settings of the companion, bound from <c>Companion__Voice__*</c>.</summary>
public sealed class VoiceOptions
{
    public const string SectionName = "Companion:Voice";

    /// <summary>
    /// How long a join waits for Discord's two answers to op 4. Without MOVE_MEMBERS a full channel sends nothing,
    /// so this is also how long users wait to hear "is the channel full?".
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Refuses a timeout that would fail every join at once or hang it for minutes, naming the setting.</summary>
public sealed class VoiceOptionsValidator : IValidateOptions<VoiceOptions>
{
    private static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(2);

    public ValidateOptionsResult Validate(string? name, VoiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ConnectTimeout > TimeSpan.Zero && options.ConnectTimeout <= MaxConnectTimeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Companion__Voice__ConnectTimeout must be a positive time span of at most {MaxConnectTimeout} such as 00:00:10 (it is {options.ConnectTimeout}).");
    }
}
