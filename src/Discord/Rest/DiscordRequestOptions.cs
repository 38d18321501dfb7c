namespace Serverless.Discord.Rest;

/// <summary>Per-request flags read by the rate-limit and resilience handlers.</summary>
public static class DiscordRequestOptions
{
    /// <summary>
    /// The call must go out even when the invalid-request budget is nearly spent. Interaction webhook and
    /// callback calls are always essential: a user is waiting on them.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Essential = new("Discord.Essential");

    /// <summary>
    /// A POST that Discord deduplicates (a <c>nonce</c> with <c>enforce_nonce: true</c>), so a retry cannot post twice.
    /// The resilience handler also finds this in a buffered JSON body.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Discord.Idempotent");

    /// <summary>
    /// The route template (<c>PATCH /webhooks/{application.id}/{interaction.token}/messages/@original</c>) the client
    /// names the call by in spans, metrics, logs and errors. Set by <see cref="DiscordRestClient"/>; a request without it
    /// is named by <see cref="DiscordRoute.Parse"/>'s template. Never the real path: webhook paths hold the token.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<string> Route = new("Discord.Route");

    /// <summary>
    /// The call authenticates as the bot (set by <see cref="DiscordRestClient"/>): its header is added just before sending,
    /// with the token in use, and a 401 leads to one re-read of the token and one retry when it changed.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> BotAuth = new("Discord.BotAuth");

    /// <summary>What the inner handlers tell the call's span (retries, waits, bucket); only present while a span records.</summary>
    internal static readonly HttpRequestOptionsKey<DiscordCallRecord> CallRecord = new("Discord.CallRecord");
}
