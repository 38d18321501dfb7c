using Microsoft.Extensions.Options;

namespace Serverless.Companion.Lavalink;

/// <summary>
/// The <c>Lavalink</c> configuration section (environment: <c>Lavalink__*</c>). Leaving both <see cref="Url"/> and
/// <see cref="Password"/> unset is allowed: the companion then runs without music and reports <c>not-configured</c>.
/// </summary>
public sealed class LavalinkOptions
{
    public const string SectionName = "Lavalink";

    public const string DefaultClientName = "serverless-discord-bot/0.1";

    /// <summary>Lavalink's base URL, e.g. <c>http://127.0.0.1:2333</c>. The WebSocket URL is derived from it (<c>ws://…/v4/websocket</c>).</summary>
    public string? Url { get; set; }

    /// <summary>Lavalink's <c>lavalink.server.password</c>, sent raw in <c>Authorization</c>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>How long Lavalink keeps a session (and its players) alive after our WebSocket goes away.</summary>
    public TimeSpan ResumeTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First reconnect delay; doubled per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per REST call and per WebSocket handshake.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With no frame at all for this long the socket is taken for dead and replaced: Lavalink sends <c>stats</c> every
    /// minute, so a healthy socket is never silent for 150 s.
    /// </summary>
    public TimeSpan StaleSocketTimeout { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>Sent as <c>Client-Name</c>, in the form NAME/VERSION.</summary>
    public string ClientName { get; set; } = DefaultClientName;

    /// <summary>Both the URL and the password are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(Password);

    /// <summary>The base URL as a <see cref="Uri"/> ending in a slash; throws naming the missing keys when not configured.</summary>
    public Uri GetBaseUri()
    {
        EnsureConfigured();
        return new Uri(Url!.TrimEnd('/') + "/", UriKind.Absolute);
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming <c>Lavalink__Url</c> and/or <c>Lavalink__Password</c> when missing.</summary>
    public void EnsureConfigured()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(Url))
        {
            missing.Add("Lavalink__Url");
        }

        if (string.IsNullOrWhiteSpace(Password))
        {
            missing.Add("Lavalink__Password");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Lavalink is not configured: set {string.Join(" and ", missing)} (e.g. Lavalink__Url=http://127.0.0.1:2333).");
        }
    }
}

/// <summary>
/// Fails start-up with the environment variable's name when the section is half set or malformed. An entirely
/// unset section passes: <see cref="LavalinkOptions.IsConfigured"/> is then false and music is off.
/// </summary>
public sealed class LavalinkOptionsValidator : IValidateOptions<LavalinkOptions>
{
    public ValidateOptionsResult Validate(string? name, LavalinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasUrl = !string.IsNullOrWhiteSpace(options.Url);
        var hasPassword = !string.IsNullOrWhiteSpace(options.Password);

        if (hasUrl && !hasPassword)
        {
            failures.Add("Lavalink__Password is missing: set it to Lavalink's lavalink.server.password (or leave the whole Lavalink section unset to run without music).");
        }

        if (hasPassword && !hasUrl)
        {
            failures.Add("Lavalink__Url is missing: set it to Lavalink's base URL, e.g. http://127.0.0.1:2333 (or leave the whole Lavalink section unset to run without music).");
        }

        if (hasUrl && (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.Query)))
        {
            failures.Add("Lavalink__Url is malformed: it must be an absolute http(s) URL without a query, e.g. http://127.0.0.1:2333.");
        }
        else if (hasUrl && !string.IsNullOrEmpty(new Uri(options.Url!).UserInfo))
        {
            // It would be logged with the URL; the password belongs in its own setting, which is never logged.
            failures.Add("Lavalink__Url must not carry credentials: put the password in Lavalink__Password.");
        }

        if (options.ResumeTimeout < TimeSpan.FromSeconds(1) || options.ResumeTimeout > TimeSpan.FromHours(1))
        {
            failures.Add("Lavalink__ResumeTimeout must be between 00:00:01 and 01:00:00.");
        }

        if (options.ReconnectMinDelay <= TimeSpan.Zero || options.ReconnectMinDelay > options.ReconnectMaxDelay)
        {
            failures.Add("Lavalink__ReconnectMinDelay must be positive and at most Lavalink__ReconnectMaxDelay.");
        }

        if (options.ReconnectMaxDelay > TimeSpan.FromMinutes(10))
        {
            failures.Add("Lavalink__ReconnectMaxDelay must be at most 00:10:00.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("Lavalink__RequestTimeout must be positive and at most 00:02:00.");
        }

        if (options.StaleSocketTimeout < TimeSpan.FromSeconds(70))
        {
            failures.Add("Lavalink__StaleSocketTimeout must be at least 00:01:10: Lavalink sends stats only once a minute.");
        }

        var slash = options.ClientName?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (string.IsNullOrWhiteSpace(options.ClientName) || slash <= 0 || slash == options.ClientName.Length - 1
            || options.ClientName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add("Lavalink__ClientName must look like NAME/VERSION, e.g. serverless-discord-bot/0.1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
