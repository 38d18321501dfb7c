using System.Text.Json;

namespace Serverless.Functions.Hosting;

/// <summary>How a queue function's work ended; anything but <see cref="Retry"/> removes the message.</summary>
public enum QueueWorkResult
{
    Completed,

    /// <summary>Nothing to do: already done, or too late to matter. The message is removed.</summary>
    Skipped,

    /// <summary>Failed: the host makes it visible again after its visibility timeout, then poison after maxDequeueCount.</summary>
    Retry,
}

public sealed record QueueWorkOutcome(QueueWorkResult Result, IReadOnlyList<string> Logs);

/// <summary>
/// Adapts the host's queue-trigger invocation (<c>POST /{function}</c>) to a handler taking the message text,
/// accepting the host's quirks: the message arrives as a JSON string, doubly encoded when it is JSON itself.
/// </summary>
public static class QueueTriggerEndpoint
{
    public delegate Task<QueueWorkOutcome> QueueMessageHandler(IServiceProvider services, string messageText, CancellationToken cancellationToken);

    public static IEndpointRouteBuilder MapQueueFunction(this IEndpointRouteBuilder endpoints, string functionName, string bindingName, QueueMessageHandler handler)
    {
        endpoints.MapPost("/" + functionName, async context =>
        {
            QueueWorkOutcome outcome;
            HostInvocationRequest? invocation = null;
            try
            {
                invocation = await JsonSerializer.DeserializeAsync(context.Request.Body, HostJsonContext.Default.HostInvocationRequest, context.RequestAborted);
            }
            catch (JsonException)
            {
                // Handled below: a payload we cannot read is a failed invocation.
            }

            var message = invocation?.Data is { } data && data.TryGetValue(bindingName, out var value) ? ReadMessageText(value) : null;
            outcome = message is null
                ? new QueueWorkOutcome(QueueWorkResult.Retry, [$"invocation payload has no Data.{bindingName}"])
                : await handler(context.RequestServices, message, context.RequestAborted);

            await WriteOutcomeAsync(context, outcome);
        });
        return endpoints;
    }

    /// <summary>The host's invocation answer: 200 with the logs, or 500 (a queue message is then retried, a timer run logged as failed).</summary>
    internal static Task WriteOutcomeAsync(HttpContext context, QueueWorkOutcome outcome)
    {
        context.Response.StatusCode = outcome.Result == QueueWorkResult.Retry ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(
            new HostInvocationResponse { Logs = [.. outcome.Logs] },
            HostJsonContext.Default.HostInvocationResponse,
            cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// The host sends the message text as a JSON string; when that text is itself a JSON string literal
    /// (the host's double encoding of JSON messages) it is decoded once more. An object is taken as is.
    /// </summary>
    public static string? ReadMessageText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                {
                    try
                    {
                        return JsonSerializer.Deserialize(text, HostStringContext.Default.String) ?? text;
                    }
                    catch (JsonException)
                    {
                        return text;
                    }
                }

                return text;
            case JsonValueKind.Object:
                return value.GetRawText();
            default:
                return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class HostStringContext : System.Text.Json.Serialization.JsonSerializerContext;
