using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Functions.Hosting;

/// <summary>What the Functions host POSTs to a custom handler for a non-HTTP trigger.</summary>
public sealed class HostInvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement>? Data { get; set; }

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>The handler's answer; a non-2xx status fails the invocation (a queue message is retried).</summary>
public sealed class HostInvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, string> Outputs { get; set; } = [];

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; set; } = [];

    [JsonPropertyName("ReturnValue")]
    public string? ReturnValue { get; set; }
}

[JsonSerializable(typeof(HostInvocationRequest))]
[JsonSerializable(typeof(HostInvocationResponse))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
