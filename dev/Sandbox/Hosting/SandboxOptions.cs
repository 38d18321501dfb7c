using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Gateway;

namespace Serverless.Sandbox.Hosting;

/// <summary>How a <see cref="SandboxServer"/> is started. Every value has a default that suits tests.</summary>
public sealed class SandboxOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks any free port.</summary>
    public int Port { get; init; }

    public ulong ApplicationId { get; init; } = SandboxDefaults.ApplicationId;

    /// <summary>The user <c>GET /oauth2/applications/@me</c> names as the application's owner (the bot's owner).</summary>
    public ulong ApplicationOwnerId { get; init; } = SandboxDefaults.UserId;

    /// <summary>Non-empty: a team owns the application and these users are its members (the first is the team's owner).</summary>
    public IReadOnlyList<ulong> ApplicationTeamMemberIds { get; init; } = [];

    /// <summary>The token the sandbox accepts in <c>Authorization: Bot …</c>. Fake and local only.</summary>
    public string BotToken { get; init; } = SandboxDefaults.BotToken;

    /// <summary>32-byte Ed25519 seed as 64 hex characters, so a restarted sandbox keeps its public key; null generates one.</summary>
    public string? SigningKeySeedHex { get; init; }

    /// <summary>Every clock in the sandbox: token ages, rate-limit windows, snowflakes, signature timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where signed interactions go unless a call names another URL.</summary>
    public Uri BotInteractionsUrl { get; init; } = SandboxDefaults.BotInteractionsUrl;

    public SandboxRateLimitOptions RateLimits { get; init; } = new();

    /// <summary>The gateway double on <c>/gateway</c>: heartbeat interval, shards, voice answers.</summary>
    public SandboxGatewayOptions Gateway { get; init; } = new();

    /// <summary>Discord accepts webhook calls with an interaction token for 15 minutes.</summary>
    public TimeSpan InteractionTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Discord invalidates the token when the initial response takes longer than 3 seconds.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the check off.
    /// </summary>
    public TimeSpan InitialResponseDeadline { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long <c>enforce_nonce</c> remembers a nonce; Discord says "a few minutes".</summary>
    public TimeSpan NonceWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the sender waits for the bot; longer than Discord's 3 s so slow answers are still seen and reported.
    /// Real time, not the TimeProvider: it only guards against a hung bot.
    /// </summary>
    public TimeSpan BotRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional transport for calls to the bot (e.g. an in-memory test server's handler). The sandbox does not dispose it.</summary>
    public HttpMessageHandler? BotHttpHandler { get; init; }

    /// <summary>Oldest calls are dropped beyond this, so a long <c>serve</c> session does not grow without bound.</summary>
    public int MaxRecordedCalls { get; init; } = 10_000;

    /// <summary>Replaces the default logging (console, warnings and above).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add($"Port must be between 0 and 65535 (was {Port}).");
        }

        if (ApplicationId == 0)
        {
            problems.Add("ApplicationId must not be 0.");
        }

        if (ApplicationOwnerId == 0 || ApplicationTeamMemberIds.Contains(0UL))
        {
            problems.Add("ApplicationOwnerId and ApplicationTeamMemberIds must not be 0.");
        }

        if (string.IsNullOrWhiteSpace(BotToken))
        {
            problems.Add("BotToken must not be empty.");
        }

        if (SigningKeySeedHex is not null && !Crypto.SigningKey.IsValidSeedHex(SigningKeySeedHex))
        {
            problems.Add("SigningKeySeedHex must be 64 hexadecimal characters (a 32-byte Ed25519 seed).");
        }

        if (!BotInteractionsUrl.IsAbsoluteUri || (BotInteractionsUrl.Scheme != Uri.UriSchemeHttp && BotInteractionsUrl.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("BotInteractionsUrl must be an absolute http(s) URL.");
        }

        if (InteractionTokenLifetime <= TimeSpan.Zero || NonceWindow < TimeSpan.Zero || BotRequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("InteractionTokenLifetime and BotRequestTimeout must be positive, NonceWindow not negative.");
        }

        if (InitialResponseDeadline <= TimeSpan.Zero && InitialResponseDeadline != Timeout.InfiniteTimeSpan)
        {
            problems.Add("InitialResponseDeadline must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (MaxRecordedCalls < 1)
        {
            problems.Add("MaxRecordedCalls must be at least 1.");
        }

        problems.AddRange(RateLimits.Problems());
        problems.AddRange(Gateway.Problems());
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid sandbox options: " + string.Join(" ", problems), nameof(SandboxOptions));
        }
    }
}

/// <summary>
/// Rate limits the sandbox enforces. Discord's real numbers are not published and change, which is why the
/// bot must read them from headers; these defaults only have to be small enough to exercise that code.
/// </summary>
public sealed class SandboxRateLimitOptions
{
    /// <summary>Off: no limits and no rate-limit headers.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Requests per <see cref="GlobalPeriod"/> across all bot-authenticated routes; interaction webhooks are exempt.</summary>
    public int GlobalLimit { get; init; } = 50;

    public TimeSpan GlobalPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Routes under <c>/channels/{id}/messages</c>, per channel.</summary>
    public RouteRateLimit ChannelMessages { get; init; } = new(5, TimeSpan.FromSeconds(5));

    /// <summary>Interaction webhooks and callbacks, per interaction token.</summary>
    public RouteRateLimit Webhooks { get; init; } = new(5, TimeSpan.FromSeconds(2));

    /// <summary>Every other route (commands, users, gateway).</summary>
    public RouteRateLimit Default { get; init; } = new(50, TimeSpan.FromSeconds(1));

    internal IEnumerable<string> Problems()
    {
        if (GlobalLimit < 1 || GlobalPeriod <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"The global rate limit must be at least 1 request per positive period (was {GlobalLimit} per {GlobalPeriod}).");
        }

        foreach (var (name, limit) in new[] { ("ChannelMessages", ChannelMessages), ("Webhooks", Webhooks), ("Default", Default) })
        {
            if (limit.Limit < 1 || limit.Period <= TimeSpan.Zero)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"The {name} rate limit must be at least 1 request per positive period (was {limit.Limit} per {limit.Period}).");
            }
        }
    }
}

/// <summary>At most <paramref name="Limit"/> requests per <paramref name="Period"/> in one bucket.</summary>
public sealed record RouteRateLimit(int Limit, TimeSpan Period);
