using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Http;
using Serverless.Sandbox.Interactions;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.State;
using static Serverless.Sandbox.Endpoints.EndpointHelpers;

namespace Serverless.Sandbox.Endpoints;

/// <summary>
/// <c>POST /interactions/{id}/{token}/callback</c>: the other way to send the initial response (the bot then
/// answers Discord's POST with 202). Bound by the same deadline, and only once per interaction.
/// </summary>
internal static class InteractionCallbackEndpoints
{
    public static IEndpointRouteBuilder MapInteractionCallbacks(this IEndpointRouteBuilder api)
    {
        api.MapPost("/interactions/{interactionId}/{token}/callback", Callback).WithMetadata(DiscordRouteMetadata.Webhook);
        return api;
    }

    private static IResult Callback(HttpContext context, string interactionId, string token, [FromServices] SandboxContext sandbox)
    {
        var now = sandbox.Time.GetUtcNow();
        if (!TryParseSnowflake(interactionId, out var id))
        {
            return DiscordResults.UnknownInteraction();
        }

        switch (sandbox.State.CheckCallback(id, token, now, sandbox.Options.InitialResponseDeadline))
        {
            case InitialResponseOutcome.Unknown:
                return DiscordResults.UnknownInteraction();
            case InitialResponseOutcome.AlreadyAcknowledged:
                return DiscordResults.AlreadyAcknowledged();
        }

        if (!TryReadJson(context, out var json, out var error))
        {
            return error;
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type", out var typeElement) || !typeElement.TryGetInt32(out var type))
        {
            return DiscordResults.InvalidFormBody(new FormError("type", "BASE_TYPE_REQUIRED", "This field is required"));
        }

        var data = json.TryGetProperty("data", out var d) ? d : (JsonElement?)null;
        if (data is { ValueKind: JsonValueKind.Object } && MessageDraft.Parse(data.Value, out var formError) is null)
        {
            return DiscordResults.InvalidFormBody(formError! with { Field = "data." + formError.Field });
        }

        if (sandbox.State.RecordInitialResponse(token, type, data, InitialResponseChannel.CallbackEndpoint, now) == InitialResponseOutcome.AlreadyAcknowledged)
        {
            return DiscordResults.AlreadyAcknowledged();
        }

        if (!string.Equals(context.Request.Query["with_response"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return Results.NoContent();
        }

        var message = sandbox.State.GetOriginal(token);
        return Results.Json(
            new InteractionCallbackWire
            {
                Interaction = new InteractionCallbackInteractionWire
                {
                    Id = id.ToString(CultureInfo.InvariantCulture),
                    Type = sandbox.State.GetInteraction(token)?.Type ?? 2,
                    ResponseMessageId = message?.Id.ToString(CultureInfo.InvariantCulture),
                    ResponseMessageLoading = message?.IsLoading,
                    ResponseMessageEphemeral = message?.IsEphemeral,
                },
                Resource = new InteractionCallbackResourceWire { Type = type, Message = message is null ? null : MessageWire.From(message) },
            },
            SandboxJsonContext.Wire.InteractionCallbackWire);
    }
}
