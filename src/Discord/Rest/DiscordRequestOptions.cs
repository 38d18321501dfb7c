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
}
