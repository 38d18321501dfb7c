using System.Globalization;
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

        api.MapGet("/oauth2/applications/@me", ([FromServices] SandboxContext sandbox) =>
            Results.Json(Application(sandbox.Options), SandboxJsonContext.Wire.ApplicationWire))
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

    /// <summary>Owned by one user, or (like Discord) by a team whose synthetic user is the owner and whose members are people.</summary>
    private static ApplicationWire Application(SandboxOptions options)
    {
        var appId = options.ApplicationId.ToString(CultureInfo.InvariantCulture);
        if (options.ApplicationTeamMemberIds.Count == 0)
        {
            return new ApplicationWire { Id = appId, Name = SandboxDefaults.BotUsername, Owner = Person(options.ApplicationOwnerId) };
        }

        var teamId = (options.ApplicationId + 7).ToString(CultureInfo.InvariantCulture);
        return new ApplicationWire
        {
            Id = appId,
            Name = SandboxDefaults.BotUsername,
            Owner = new UserWire { Id = teamId, Username = "team" + teamId, Flags = 1024 },
            Team = new TeamWire
            {
                Id = teamId,
                Name = "sandbox-team",
                OwnerUserId = options.ApplicationTeamMemberIds[0].ToString(CultureInfo.InvariantCulture),
                Members = [.. options.ApplicationTeamMemberIds.Select(id => new TeamMemberWire { TeamId = teamId, User = Person(id) })],
            },
        };
    }

    private static UserWire Person(ulong id) => new() { Id = id.ToString(CultureInfo.InvariantCulture), Username = "user" + id.ToString(CultureInfo.InvariantCulture) };

    private static string GatewayUrl(SandboxContext sandbox) => sandbox.Gateway.Url;
}
