using System.Text.Json;

namespace Serverless.DevHost.Handler;

/// <summary>Sends one non-HTTP invocation (<c>POST /{functionName}</c>) to the handler; the seam the trigger tests replace.</summary>
internal interface IFunctionInvoker
{
    Task<InvocationResult> InvokeAsync(string functionName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}

/// <summary>The outcome of one invocation: it succeeded or not, why not, and the <c>Logs</c> the handler returned.</summary>
internal sealed record InvocationResult(bool Succeeded, string? Error, IReadOnlyList<string> Logs)
{
    public static InvocationResult Success(IReadOnlyList<string> logs) => new(true, null, logs);

    public static InvocationResult Failure(string error, IReadOnlyList<string>? logs = null) => new(false, error, logs ?? []);
}

/// <summary>
/// Reads the handler's answer to an invocation: <c>{"Outputs":{…},"Logs":[…],"ReturnValue":…}</c>.
/// The host reads it with a JSON formatter, so a 2xx answer that is not a JSON object fails the invocation there too.
/// </summary>
internal static class InvocationResponse
{
    public static InvocationResult Read(int statusCode, string? mediaType, ReadOnlySpan<byte> body)
    {
        if (statusCode is < 200 or > 299)
        {
            return InvocationResult.Failure($"the handler answered {statusCode}{Excerpt(body)}");
        }

        // The host's formatters accept these two JSON media types only.
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(mediaType, "text/json", StringComparison.OrdinalIgnoreCase))
        {
            return InvocationResult.Failure($"the handler answered {statusCode} with content type '{mediaType ?? "(none)"}', not application/json");
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return InvocationResult.Failure($"the handler answered {statusCode} with JSON that is not an object{Excerpt(body)}");
            }

            var logs = new List<string>();
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, "Logs", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array)
                {
                    logs.AddRange(property.Value.EnumerateArray().Select(entry =>
                        entry.ValueKind == JsonValueKind.String ? entry.GetString()! : entry.GetRawText()));
                }
            }

            return InvocationResult.Success(logs);
        }
        catch (JsonException exception)
        {
            return InvocationResult.Failure($"the handler answered {statusCode} with invalid JSON ({exception.Message})");
        }
    }

    private static string Excerpt(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return string.Empty;
        }

        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]).ReplaceLineEndings(" ");
        return $": {text}";
    }
}
