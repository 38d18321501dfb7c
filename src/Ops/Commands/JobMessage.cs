using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Ops.Commands;

/// <summary>A one-off job's queue text: the operator's JSON object with the envelope fields the CLI owns filled in.</summary>
internal static class JobMessage
{
    public const int CurrentVersion = 1;

    /// <summary>
    /// Sets <c>correlationId</c> (always fresh, so logs tie this send to one id), and <c>v</c> and <c>enqueuedAt</c>
    /// when absent; every other field is kept as given.
    /// </summary>
    /// <exception cref="OpsUsageException"><paramref name="json"/> is not a JSON object.</exception>
    public static string Create(string json, string correlationId, DateTimeOffset now)
    {
        JsonNode? node;
        try
        {
            // A repeated property would leave it to the consumer which value wins; refuse it here instead.
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new OpsUsageException($"--json is not valid JSON: {exception.Message}");
        }

        if (node is not JsonObject job)
        {
            throw new OpsUsageException($"--json must be a JSON object, not {Describe(node)}.");
        }

        job["correlationId"] = correlationId;
        if (!job.ContainsKey("v"))
        {
            job["v"] = CurrentVersion;
        }

        if (!job.ContainsKey("enqueuedAt"))
        {
            job["enqueuedAt"] = now.UtcDateTime;
        }

        return job.ToJsonString();
    }

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
