using Microsoft.Extensions.Options;

namespace Serverless.Discord.Gateway;

/// <summary>
/// The <c>Discord:Gateway</c> configuration section (environment: <c>Discord__Gateway__*</c>). The gateway URL override
/// is <see cref="DiscordOptions.GatewayUrl"/> and the token is <see cref="DiscordOptions.BotToken"/>.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Discord:Gateway";

    /// <summary>GUILDS (1 &lt;&lt; 0) | GUILD_VOICE_STATES (1 &lt;&lt; 7): guild and voice state events, all voice needs.</summary>
    public const int DefaultIntents = 129;

    /// <summary>Overrides the shard count <c>GET /gateway/bot</c> recommends.</summary>
    public int? ShardCount { get; set; }

    public int Intents { get; set; } = DefaultIntents;

    /// <summary>Sent as identify <c>properties.browser</c> and <c>properties.device</c>.</summary>
    public string ClientName { get; set; } = "serverless-discord-bot";

    /// <summary>The session (with its sequence) is written at most this often while events flow, and on READY, RESUMED and shutdown.</summary>
    public TimeSpan SessionSaveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before reconnecting after a failed connection; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Refuses a configuration that cannot connect, naming the environment variable.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Prefix = "Discord__Gateway__";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ShardCount is < 1)
        {
            failures.Add($"{Prefix}ShardCount is {options.ShardCount}: it must be at least 1, or left unset to use Discord's recommendation.");
        }

        if (options.Intents < 0)
        {
            failures.Add($"{Prefix}Intents is {options.Intents}: it must be a non-negative bit set (129 = GUILDS | GUILD_VOICE_STATES).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientName))
        {
            failures.Add($"{Prefix}ClientName is empty: it names the bot in identify properties.");
        }

        if (options.SessionSaveInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}SessionSaveInterval must be positive.");
        }

        if (options.ReconnectBaseDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}ReconnectBaseDelay must be positive.");
        }

        if (options.ReconnectMaxDelay < options.ReconnectBaseDelay)
        {
            failures.Add($"{Prefix}ReconnectMaxDelay must be at least {Prefix}ReconnectBaseDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
