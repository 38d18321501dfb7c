using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.RateLimiting;
using Serverless.Sandbox.State;
using static Serverless.Sandbox.Endpoints.EndpointHelpers;

namespace Serverless.Sandbox.Endpoints;

/// <summary>Channel messages: <c>/channels/{channel.id}/messages</c>, bot auth, per-channel buckets.</summary>
internal static class ChannelEndpoints
{
    private const int MaxPage = 100;

    public static IEndpointRouteBuilder MapChannelMessages(this IEndpointRouteBuilder api)
    {
        var messages = api.MapGroup("/channels/{channelId}/messages").WithMetadata(DiscordRouteMetadata.Bot(RateLimitCategory.ChannelMessages));
        messages.MapGet("", List);
        messages.MapPost("", Create);
        messages.MapGet("/{messageId}", Get);
        messages.MapPatch("/{messageId}", Edit);
        messages.MapDelete("/{messageId}", Delete);
        return api;
    }

    /// <summary>
    /// Newest first, like Discord; honours <c>limit</c> (1–100, default 50) and <c>before</c> or <c>after</c> (the
    /// messages nearest that id on that side). Fetched messages carry no <c>nonce</c>: Discord returns it only in
    /// the create answer and the gateway's MESSAGE_CREATE.
    /// </summary>
    private static IResult List(string channelId, int? limit, string? before, string? after, [FromServices] SandboxContext sandbox)
    {
        if (!TryParseSnowflake(channelId, out var channel))
        {
            return DiscordResults.UnknownChannel();
        }

        var page = Math.Clamp(limit ?? 50, 1, MaxPage);
        var messages = sandbox.State.ChannelMessages(channel);
        IEnumerable<SandboxMessage> selected = after is not null && TryParseSnowflake(after, out var afterId)
            ? messages.Where(message => message.Id > afterId).Take(page).Reverse()
            : before is not null && TryParseSnowflake(before, out var beforeId)
                ? messages.Where(message => message.Id < beforeId).Reverse().Take(page)
                : messages.Reverse().Take(page);
        return DiscordResults.Messages(selected.Select(Fetched));
    }

    private static SandboxMessage Fetched(SandboxMessage message) => message with { Nonce = null };

    private static IResult Create(HttpContext context, string channelId, [FromServices] SandboxContext sandbox)
    {
        if (!TryParseSnowflake(channelId, out var channel))
        {
            return DiscordResults.UnknownChannel();
        }

        if (!TryReadDraft(context, out var draft, out var error))
        {
            return error;
        }

        if (!draft.HasVisibleContent)
        {
            return DiscordResults.EmptyMessage();
        }

        var (message, _) = sandbox.State.CreateChannelMessage(channel, draft, sandbox.Time.GetUtcNow());
        return DiscordResults.Message(message);
    }

    private static IResult Get(string channelId, string messageId, [FromServices] SandboxContext sandbox) =>
        TryParseSnowflake(channelId, out var channel) && TryParseSnowflake(messageId, out var id) && sandbox.State.GetChannelMessage(channel, id) is { } message
            ? DiscordResults.Message(Fetched(message))
            : DiscordResults.UnknownMessage();

    private static IResult Edit(HttpContext context, string channelId, string messageId, [FromServices] SandboxContext sandbox)
    {
        if (!TryReadDraft(context, out var draft, out var error))
        {
            return error;
        }

        return TryParseSnowflake(channelId, out var channel) && TryParseSnowflake(messageId, out var id)
            && sandbox.State.EditChannelMessage(channel, id, draft, sandbox.Time.GetUtcNow()) is { } message
            ? DiscordResults.Message(Fetched(message))
            : DiscordResults.UnknownMessage();
    }

    private static IResult Delete(string channelId, string messageId, [FromServices] SandboxContext sandbox) =>
        TryParseSnowflake(channelId, out var channel) && TryParseSnowflake(messageId, out var id) && sandbox.State.DeleteChannelMessage(channel, id)
            ? Results.NoContent()
            : DiscordResults.UnknownMessage();
}
