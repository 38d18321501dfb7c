using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.State;
using static Serverless.Sandbox.Endpoints.EndpointHelpers;

namespace Serverless.Sandbox.Endpoints;

/// <summary>Interaction webhooks: <c>/webhooks/{application.id}/{interaction.token}</c>, no bot auth, exempt from the global limit.</summary>
internal static partial class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapInteractionWebhooks(this IEndpointRouteBuilder api)
    {
        var webhook = api.MapGroup("/webhooks/{appId}/{token}").WithMetadata(DiscordRouteMetadata.Webhook);
        webhook.MapPost("", CreateFollowUpAsync);
        webhook.MapGet("/messages/@original", GetOriginalAsync);
        webhook.MapPatch("/messages/@original", EditOriginalAsync);
        webhook.MapDelete("/messages/@original", DeleteOriginalAsync);
        webhook.MapGet("/messages/{messageId}", GetMessageAsync);
        webhook.MapPatch("/messages/{messageId}", EditMessageAsync);
        webhook.MapDelete("/messages/{messageId}", DeleteMessageAsync);
        return api;
    }

    private static async Task<IResult> GetOriginalAsync(HttpContext context, string appId, string token, [FromServices] SandboxContext sandbox) =>
        await DeniedAsync(context, sandbox, appId, token)
        ?? (sandbox.State.GetOriginal(token) is { } message ? DiscordResults.Message(message) : DiscordResults.UnknownMessage());

    private static async Task<IResult> EditOriginalAsync(HttpContext context, string appId, string token, [FromServices] SandboxContext sandbox)
    {
        if (await DeniedAsync(context, sandbox, appId, token) is { } denied)
        {
            return denied;
        }

        if (!TryReadDraft(context, out var draft, out var error))
        {
            return error;
        }

        return sandbox.State.EditOriginal(token, draft, sandbox.Time.GetUtcNow()) is { } message
            ? DiscordResults.Message(message)
            : DiscordResults.UnknownMessage();
    }

    private static async Task<IResult> DeleteOriginalAsync(HttpContext context, string appId, string token, [FromServices] SandboxContext sandbox) =>
        await DeniedAsync(context, sandbox, appId, token)
        ?? (sandbox.State.DeleteOriginal(token) ? Results.NoContent() : DiscordResults.UnknownMessage());

    private static async Task<IResult> CreateFollowUpAsync(HttpContext context, string appId, string token, [FromServices] SandboxContext sandbox)
    {
        if (await DeniedAsync(context, sandbox, appId, token) is { } denied)
        {
            return denied;
        }

        if (!TryReadDraft(context, out var draft, out var error))
        {
            return error;
        }

        if (!draft.HasVisibleContent)
        {
            return DiscordResults.EmptyMessage();
        }

        var (message, editedOriginal) = sandbox.State.CreateFollowUp(token, draft, sandbox.Time.GetUtcNow());
        if (editedOriginal)
        {
            Log.FollowUpEditedDeferred(sandbox.LoggerFactory.CreateLogger(typeof(WebhookEndpoints)), message.Id);
        }

        return DiscordResults.Message(message);
    }

    private static async Task<IResult> GetMessageAsync(HttpContext context, string appId, string token, string messageId, [FromServices] SandboxContext sandbox) =>
        await DeniedAsync(context, sandbox, appId, token)
        ?? (TryParseSnowflake(messageId, out var id) && sandbox.State.GetInteractionMessage(token, id) is { } message
            ? DiscordResults.Message(message)
            : DiscordResults.UnknownMessage());

    private static async Task<IResult> EditMessageAsync(HttpContext context, string appId, string token, string messageId, [FromServices] SandboxContext sandbox)
    {
        if (await DeniedAsync(context, sandbox, appId, token) is { } denied)
        {
            return denied;
        }

        if (!TryReadDraft(context, out var draft, out var error))
        {
            return error;
        }

        return TryParseSnowflake(messageId, out var id) && sandbox.State.EditInteractionMessage(token, id, draft, sandbox.Time.GetUtcNow()) is { } message
            ? DiscordResults.Message(message)
            : DiscordResults.UnknownMessage();
    }

    private static async Task<IResult> DeleteMessageAsync(HttpContext context, string appId, string token, string messageId, [FromServices] SandboxContext sandbox) =>
        await DeniedAsync(context, sandbox, appId, token)
        ?? (TryParseSnowflake(messageId, out var id) && sandbox.State.DeleteInteractionMessage(token, id) ? Results.NoContent() : DiscordResults.UnknownMessage());

    /// <summary>
    /// Once the interaction's initial response is known: unknown application or token → 10015; a token past
    /// its 15 minutes → 50027; else null (go ahead).
    /// </summary>
    private static async Task<IResult?> DeniedAsync(HttpContext context, SandboxContext sandbox, string appId, string token)
    {
        await sandbox.State.WaitUntilSettledAsync(token, context.RequestAborted);
        if (!TryParseSnowflake(appId, out var applicationId))
        {
            return DiscordResults.UnknownWebhook();
        }

        return sandbox.State.CheckWebhook(applicationId, token, sandbox.Time.GetUtcNow(), sandbox.Options.InteractionTokenLifetime) switch
        {
            WebhookAccess.Allowed => null,
            WebhookAccess.Expired => DiscordResults.InvalidWebhookToken(),
            _ => DiscordResults.UnknownWebhook(),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "A follow-up right after a deferred answer edited the loading message {MessageId} (Discord's deprecated behaviour); PATCH @original instead")]
        public static partial void FollowUpEditedDeferred(ILogger logger, ulong messageId);
    }
}
