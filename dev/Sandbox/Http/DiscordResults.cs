using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.RateLimiting;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Http;

/// <summary>Discord's answers, with Discord's status codes, JSON error codes and messages.</summary>
internal static class DiscordResults
{
    public static IResult Unauthorized() => Error(StatusCodes.Status401Unauthorized, 0, "401: Unauthorized");

    public static IResult NotFound() => Error(StatusCodes.Status404NotFound, 0, "404: Not Found");

    public static IResult UnknownChannel() => Error(StatusCodes.Status404NotFound, 10003, "Unknown Channel");

    public static IResult UnknownGuild() => Error(StatusCodes.Status404NotFound, 10004, "Unknown Guild");

    public static IResult UnknownMember() => Error(StatusCodes.Status404NotFound, 10007, "Unknown Member");

    public static IResult UnknownMessage() => Error(StatusCodes.Status404NotFound, 10008, "Unknown Message");

    public static IResult UnknownWebhook() => Error(StatusCodes.Status404NotFound, 10015, "Unknown Webhook");

    public static IResult UnknownVoiceState() => Error(StatusCodes.Status404NotFound, 10065, "Unknown Voice State");

    public static IResult UnknownInteraction() => Error(StatusCodes.Status404NotFound, 10062, "Unknown interaction");

    public static IResult AlreadyAcknowledged() => Error(StatusCodes.Status400BadRequest, 40060, "Interaction has already been acknowledged.");

    public static IResult InvalidWebhookToken() => Error(StatusCodes.Status401Unauthorized, 50027, "Invalid Webhook Token");

    public static IResult EmptyMessage() => Error(StatusCodes.Status400BadRequest, 50006, "Cannot send an empty message");

    public static IResult InvalidJson() => Error(StatusCodes.Status400BadRequest, 50109, "The request body contains invalid JSON.");

    public static IResult InvalidContentType() => InvalidFormBody(new FormError(null, "CONTENT_TYPE_INVALID", "Expected \"Content-Type\" header to be one of {'application/json'}."));

    /// <summary>50035 with Discord's error tree: <c>{"field":{"_errors":[{code,message}]}}</c>.</summary>
    public static IResult InvalidFormBody(FormError error)
    {
        // A dotted field ("0.name") nests, as Discord reports errors inside arrays and objects.
        JsonObject tree = new() { ["_errors"] = new JsonArray(new JsonObject { ["code"] = error.Code, ["message"] = error.Message }) };
        foreach (var segment in (error.Field ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            tree = new JsonObject { [segment] = tree };
        }

        return Results.Json(
            new ErrorWire { Message = "Invalid Form Body", Code = 50035, Errors = MessageJson.Parse(tree.ToJsonString()) },
            SandboxJsonContext.Wire.ErrorWire,
            statusCode: StatusCodes.Status400BadRequest);
    }

    public static IResult Error(int statusCode, int code, string message) =>
        Results.Json(new ErrorWire { Message = message, Code = code }, SandboxJsonContext.Wire.ErrorWire, statusCode: statusCode);

    public static IResult RateLimited(TimeSpan retryAfter, bool global) =>
        Results.Json(
            new RateLimitedWire { RetryAfter = Math.Round(retryAfter.TotalSeconds, 3), Global = global },
            SandboxJsonContext.Wire.RateLimitedWire,
            statusCode: StatusCodes.Status429TooManyRequests);

    public static IResult RateLimited(RateLimitDecision decision) => RateLimited(decision.RetryAfter, decision.Global);

    public static IResult Message(SandboxMessage message) =>
        Results.Json(MessageWire.From(message), SandboxJsonContext.Wire.MessageWire);

    public static IResult Messages(IEnumerable<SandboxMessage> messages) =>
        Results.Json(messages.Select(MessageWire.From).ToList(), SandboxJsonContext.Wire.ListMessageWire);

    public static IResult JsonArray(IEnumerable<JsonElement> items) =>
        Results.Json(items.ToList(), SandboxJsonContext.Wire.ListJsonElement);

    /// <summary>The usual Discord body for a status a fault rule injects.</summary>
    public static (int Code, string Message) DefaultErrorFor(int statusCode) => statusCode switch
    {
        401 => (0, "401: Unauthorized"),
        403 => (50013, "Missing Permissions"),
        404 => (0, "404: Not Found"),
        500 => (0, "500: Internal Server Error"),
        502 => (0, "502: Bad Gateway"),
        503 => (0, "503: Service Unavailable"),
        _ => (0, $"{statusCode}: {ReasonPhrases.GetReasonPhrase(statusCode)}"),
    };
}
