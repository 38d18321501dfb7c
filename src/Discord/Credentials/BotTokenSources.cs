using Microsoft.Extensions.Options;

namespace Serverless.Discord.Credentials;

/// <summary>Picks the token source the settings name: Key Vault first, then a file, then the plain setting.</summary>
public static class BotTokenSources
{
    /// <summary>The source, or null when no setting names one (the start-up check reports that).</summary>
    public static IBotTokenSource? FromOptions(IOptionsMonitor<DiscordOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = options.CurrentValue;
        if (!string.IsNullOrWhiteSpace(current.BotTokenSecretUri) && Uri.TryCreate(current.BotTokenSecretUri, UriKind.Absolute, out var secretUri))
        {
            return new KeyVaultBotTokenSource(secretUri, KeyVaultBotTokenSource.CreateCredential(current));
        }

        if (!string.IsNullOrWhiteSpace(current.BotTokenFile))
        {
            return new FileBotTokenSource(current.BotTokenFile);
        }

        return string.IsNullOrWhiteSpace(current.BotToken) ? null : new SettingBotTokenSource(options);
    }
}
