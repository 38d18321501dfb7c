using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Json;
using static Serverless.Sandbox.Endpoints.EndpointHelpers;

namespace Serverless.Sandbox.Endpoints;

/// <summary>
/// What a bot reads to work out its permissions: <c>GET /channels/{id}</c>, <c>GET /guilds/{id}</c> (owner and roles),
/// <c>GET /guilds/{id}/members/{user}</c>, and where a user is in voice: <c>GET /guilds/{id}/voice-states/{user}</c>. Bot auth, default buckets per channel or guild.
/// </summary>
internal static class GuildEndpoints
{
    public static IEndpointRouteBuilder MapGuildsAndChannels(this IEndpointRouteBuilder api)
    {
        api.MapGet("/channels/{channelId}", GetChannel).WithMetadata(DiscordRouteMetadata.Bot());
        api.MapGet("/guilds/{guildId}", GetGuild).WithMetadata(DiscordRouteMetadata.Bot());
        api.MapGet("/guilds/{guildId}/members/{userId}", GetMember).WithMetadata(DiscordRouteMetadata.Bot());
        api.MapGet("/guilds/{guildId}/voice-states/{userId}", GetVoiceState).WithMetadata(DiscordRouteMetadata.Bot());
        return api;
    }

    private static IResult GetChannel(string channelId, [FromServices] SandboxContext sandbox) =>
        TryParseSnowflake(channelId, out var id)
            ? Results.Json(ChannelWire.From(sandbox.State.GetChannel(id)), SandboxJsonContext.Wire.ChannelWire)
            : DiscordResults.UnknownChannel();

    private static IResult GetGuild(string guildId, [FromServices] SandboxContext sandbox) =>
        TryParseSnowflake(guildId, out var id) && sandbox.State.GetGuild(id) is { } guild
            ? Results.Json(GuildWire.From(guild), SandboxJsonContext.Wire.GuildWire)
            : DiscordResults.UnknownGuild();

    private static IResult GetMember(string guildId, string userId, [FromServices] SandboxContext sandbox)
    {
        if (!TryParseSnowflake(guildId, out var guild) || sandbox.State.GetGuild(guild) is null)
        {
            return DiscordResults.UnknownGuild();
        }

        if (!TryParseSnowflake(userId, out var user) || sandbox.State.GetMemberRoles(guild, user) is not { } roles)
        {
            return DiscordResults.UnknownMember();
        }

        var member = MemberWire.From(guild, user, roles, sandbox.State.BotUserId);
        return Results.Json(member, SandboxJsonContext.Wire.MemberWire);
    }

    /// <summary>The same voice states the gateway reports; <c>@me</c> is the bot. 10065 when the user is not in voice there.</summary>
    private static IResult GetVoiceState(string guildId, string userId, [FromServices] SandboxContext sandbox)
    {
        if (!TryParseSnowflake(guildId, out var guild) || sandbox.State.GetGuild(guild) is null)
        {
            return DiscordResults.UnknownGuild();
        }

        var user = sandbox.State.BotUserId;
        if ((userId != "@me" && !TryParseSnowflake(userId, out user)) || sandbox.State.GetVoiceState(guild, user) is not { } state)
        {
            return DiscordResults.UnknownVoiceState();
        }

        var member = MemberWire.From(guild, user, sandbox.State.GetMemberRoles(guild, user) ?? [], sandbox.State.BotUserId);
        return Results.Json(VoiceStateWire.From(state, state.ChannelId, member, withGuildId: true), SandboxJsonContext.Wire.VoiceStateWire);
    }
}
