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

/// <summary>Fails start-up with the environment variable's name when a required setting is missing or malformed.</summary>
public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ApplicationId))
        {
            failures.Add("Discord__ApplicationId is missing: set it to the application id from the Developer Portal.");
        }
        else if (!ulong.TryParse(options.ApplicationId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            failures.Add("Discord__ApplicationId is malformed: it must be a numeric snowflake.");
        }

        if (string.IsNullOrWhiteSpace(options.PublicKey))
        {
            failures.Add("Discord__PublicKey is missing: set it to the application's public key from the Developer Portal.");
        }
        else if (!InteractionSignatureVerifier.IsValidPublicKey(options.PublicKey))
        {
            failures.Add($"Discord__PublicKey is malformed: it must be {InteractionSignatureVerifier.PublicKeyHexLength} hexadecimal characters.");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Discord__ApiBaseUrl is malformed: it must be an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.GatewayUrl) && !IsWebSocketUrl(options.GatewayUrl))
        {
            failures.Add("Discord__GatewayUrl is malformed: it must be an absolute ws:// or wss:// URL, or unset.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsWebSocketUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeWss || url.Scheme == Uri.UriSchemeWs);
}
