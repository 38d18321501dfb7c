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

    /// <summary>Bot token for REST calls. Never logged.</summary>
    public string? BotToken { get; set; }

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
        return string.IsNullOrWhiteSpace(options.BotToken) ? $"Discord__BotToken is missing: {why}" : null;
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
        DiscordOptionsChecks.ApiBaseUrl(options),
        DiscordOptionsChecks.GatewayUrl(options));
}

/// <summary>The settings the gateway client needs (the companion): the bot token, and a well-formed URL override.</summary>
public sealed class DiscordGatewayCredentialsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options) => DiscordOptionsChecks.Result(
        DiscordOptionsChecks.BotToken(options, "the gateway identifies with the bot token."),
        DiscordOptionsChecks.GatewayUrl(options));
}

/// <summary>The settings a command-line run that calls Discord as the bot needs (the ops CLI).</summary>
public sealed class DiscordBotCallerValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options) => DiscordOptionsChecks.Result(
        DiscordOptionsChecks.ApplicationId(options),
        DiscordOptionsChecks.BotToken(options, "set it to the bot token from the Developer Portal."),
        DiscordOptionsChecks.ApiBaseUrl(options));
}
