using System.Globalization;
using Microsoft.Extensions.Options;
using Serverless.Discord.Interactions;

namespace Serverless.Discord;

/// <summary>The <c>Discord</c> configuration section (environment: <c>Discord__*</c>).</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    /// <summary>The application id, a snowflake.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>Hex Ed25519 public key used to verify interactions.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Bot token for REST calls. Never logged. Used when neither <see cref="BotTokenSecretUri"/> nor <see cref="BotTokenFile"/> is set.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// A file holding the bot token (a mounted secret volume, updated in place on rotation); takes precedence over
    /// <see cref="BotToken"/>.
    /// </summary>
    public string? BotTokenFile { get; set; }

    /// <summary>
    /// A Key Vault secret holding the bot token, <c>https://NAME.vault.azure.net/secrets/SECRET</c> (no version: the
    /// latest is read); takes precedence over <see cref="BotTokenFile"/> and <see cref="BotToken"/>.
    /// </summary>
    public string? BotTokenSecretUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity that reads <see cref="BotTokenSecretUri"/>.</summary>
    public string? KeyVaultClientId { get; set; }

    /// <summary><c>managedidentity</c> for the system-assigned identity; otherwise the usual Azure credential chain.</summary>
    public string? KeyVaultCredential { get; set; }

    /// <summary>The least time between two reads of the token's source after Discord refused the token (at least 1 s).</summary>
    public TimeSpan TokenRefreshMinInterval { get; set; } = TimeSpan.FromMinutes(1);

    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>
    /// Overrides the gateway URL <c>GET /gateway/bot</c> returns (a sandbox gateway in tests); <c>ws://</c> or <c>wss://</c>,
    /// without query string. Unset in production.
    /// </summary>
    public string? GatewayUrl { get; set; }
}

/// <summary>
/// The checks of <see cref="DiscordOptions"/>, each returning the failure line that names its environment variable, or
/// null. The validators combine the ones their host needs, so every host words a failure the same way.
/// </summary>
public static class DiscordOptionsChecks
{
    public static string? ApplicationId(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ApplicationId))
        {
            return "Discord__ApplicationId is missing: set it to the application id from the Developer Portal.";
        }

        return ulong.TryParse(options.ApplicationId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id != 0
            ? null
            : "Discord__ApplicationId is malformed: it must be a numeric snowflake.";
    }

    public static string? PublicKey(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicKey))
        {
            return "Discord__PublicKey is missing: set it to the application's public key from the Developer Portal.";
        }

        return InteractionSignatureVerifier.IsValidPublicKey(options.PublicKey)
            ? null
            : $"Discord__PublicKey is malformed: it must be {InteractionSignatureVerifier.PublicKeyHexLength} hexadecimal characters.";
    }

    /// <param name="why">Ends the line: what the token is needed for, or where to find it.</param>
    public static string? BotToken(DiscordOptions options, string why)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.BotToken) && string.IsNullOrWhiteSpace(options.BotTokenFile) && string.IsNullOrWhiteSpace(options.BotTokenSecretUri)
            ? $"Discord__BotToken is missing (or Discord__BotTokenFile, or Discord__BotTokenSecretUri): {why}"
            : null;
    }

    /// <summary>The token's source settings, when set, are well formed, and the refresh interval is at least a second.</summary>
    public static string? BotTokenSource(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.BotTokenSecretUri)
            && !(Uri.TryCreate(options.BotTokenSecretUri, UriKind.Absolute, out var secret) && secret.Scheme == Uri.UriSchemeHttps
                 && secret.AbsolutePath.StartsWith("/secrets/", StringComparison.Ordinal) && secret.AbsolutePath.Length > "/secrets/".Length))
        {
            return "Discord__BotTokenSecretUri is malformed: it must be https://NAME.vault.azure.net/secrets/SECRET.";
        }

        return options.TokenRefreshMinInterval < TimeSpan.FromSeconds(1)
            ? "Discord__TokenRefreshMinInterval is too short: it must be at least 00:00:01."
            : null;
    }

    public static string? ApiBaseUrl(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) && (api.Scheme == Uri.UriSchemeHttps || api.Scheme == Uri.UriSchemeHttp)
            ? null
            : "Discord__ApiBaseUrl is malformed: it must be an absolute http(s) URL.";
    }

    public static string? GatewayUrl(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.GatewayUrl)
            || (Uri.TryCreate(options.GatewayUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeWss || url.Scheme == Uri.UriSchemeWs))
            ? null
            : "Discord__GatewayUrl is malformed: it must be an absolute ws:// or wss:// URL, or unset.";
    }

    /// <summary>The result of a validator: success when every check passed.</summary>
    public static ValidateOptionsResult Result(params string?[] failures)
    {
        List<string> failed = [.. failures.OfType<string>()];
        return failed.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failed);
    }
}

/// <summary>The settings the interactions endpoint needs (the Functions app): the application id and public key.</summary>
public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options) => DiscordOptionsChecks.Result(
        DiscordOptionsChecks.ApplicationId(options),
        DiscordOptionsChecks.PublicKey(options),
        DiscordOptionsChecks.BotTokenSource(options),
        DiscordOptionsChecks.ApiBaseUrl(options),
        DiscordOptionsChecks.GatewayUrl(options));
}

/// <summary>The settings the gateway client needs (the companion): the bot token, and a well-formed URL override.</summary>
public sealed class DiscordGatewayCredentialsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options) => DiscordOptionsChecks.Result(
        DiscordOptionsChecks.BotToken(options, "the gateway identifies with the bot token."),
        DiscordOptionsChecks.BotTokenSource(options),
        DiscordOptionsChecks.GatewayUrl(options));
}

/// <summary>The settings a command-line run that calls Discord as the bot needs (the ops CLI).</summary>
public sealed class DiscordBotCallerValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options) => DiscordOptionsChecks.Result(
        DiscordOptionsChecks.ApplicationId(options),
        DiscordOptionsChecks.BotToken(options, "set it to the bot token from the Developer Portal."),
        DiscordOptionsChecks.BotTokenSource(options),
        DiscordOptionsChecks.ApiBaseUrl(options));
}
