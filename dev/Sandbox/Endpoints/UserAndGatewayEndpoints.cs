using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.RateLimiting;

namespace Serverless.Sandbox.Endpoints;

/// <summary><c>/users/@me</c> and the gateway discovery routes (the gateway itself is a separate endpoint group).</summary>
internal static class UserAndGatewayEndpoints
{
    public static IEndpointRouteBuilder MapUsersAndGateway(this IEndpointRouteBuilder api)
    {
        api.MapGet("/users/@me", ([FromServices] SandboxContext sandbox) =>
            Results.Json(UserWire.ForBot(sandbox.State.BotUserId), SandboxJsonContext.Wire.UserWire))
            .WithMetadata(DiscordRouteMetadata.Bot());

        // GET /gateway needs no token on Discord either.
        api.MapGet("/gateway", ([FromServices] SandboxContext sandbox) =>
            Results.Json(new GatewayWire { Url = GatewayUrl(sandbox) }, SandboxJsonContext.Wire.GatewayWire))
            .WithMetadata(new DiscordRouteMetadata(RequiresBotAuth: false, RateLimitCategory.Default));

        api.MapGet("/gateway/bot", ([FromServices] SandboxContext sandbox) =>
            {
                var (remaining, resetAfter) = sandbox.Gateway.SessionStartBudget();
                var options = sandbox.Options.Gateway;
                return Results.Json(
                    new GatewayBotWire
                    {
                        Url = GatewayUrl(sandbox),
                        Shards = options.ShardCount,
                        SessionStartLimit = new SessionStartLimitWire
                        {
                            Total = options.SessionStartLimit,
                            Remaining = remaining,
                            ResetAfter = (long)resetAfter.TotalMilliseconds,
                            MaxConcurrency = options.MaxConcurrency,
                        },
                    },
                    SandboxJsonContext.Wire.GatewayBotWire);
            })
            .WithMetadata(DiscordRouteMetadata.Bot());
        return api;
    }

    private static string GatewayUrl(SandboxContext sandbox) => sandbox.Gateway.Url;
}
