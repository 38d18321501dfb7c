using Serverless.Sandbox.RateLimiting;

namespace Serverless.Sandbox.Http;

/// <summary>
/// Endpoint metadata for Discord API routes: who may call it and which limits apply. Bot-authenticated
/// routes count toward the global limit; interaction webhooks need no auth and are exempt, as on Discord.
/// </summary>
internal sealed record DiscordRouteMetadata(bool RequiresBotAuth, RateLimitCategory Category)
{
    public static DiscordRouteMetadata Bot(RateLimitCategory category = RateLimitCategory.Default) => new(true, category);

    public static DiscordRouteMetadata Webhook { get; } = new(false, RateLimitCategory.Webhooks);
}
