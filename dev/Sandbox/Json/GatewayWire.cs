using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Json;

// Discord gateway v10 payloads as the gateway double writes them (DD events/gateway-events.mdx).

/// <summary>Every gateway message: <c>s</c> and <c>t</c> are null unless <c>op</c> is 0 (Dispatch).</summary>
internal sealed class GatewayPayloadWire
{
    [JsonPropertyName("op")]
    public int Op { get; init; }

    [JsonPropertyName("d")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Data { get; init; }

    [JsonPropertyName("s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public long? Sequence { get; init; }

    [JsonPropertyName("t")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? EventName { get; init; }
}

internal sealed class HelloWire
{
    [JsonPropertyName("heartbeat_interval")]
    public long HeartbeatInterval { get; init; }

    [JsonPropertyName("_trace")]
    public List<string> Trace { get; init; } = ["sandbox-gateway"];
}

internal sealed class ReadyWire
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = 10;

    [JsonPropertyName("user")]
    public required UserWire User { get; init; }

    [JsonPropertyName("guilds")]
    public required List<UnavailableGuildWire> Guilds { get; init; }

    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    [JsonPropertyName("resume_gateway_url")]
    public required string ResumeGatewayUrl { get; init; }

    [JsonPropertyName("shard")]
    public required int[] Shard { get; init; }

    [JsonPropertyName("application")]
    public required ApplicationReferenceWire Application { get; init; }

    [JsonPropertyName("private_channels")]
    public JsonElement PrivateChannels { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("_trace")]
    public List<string> Trace { get; init; } = ["sandbox-gateway"];
}

internal sealed class UnavailableGuildWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("unavailable")]
    public bool Unavailable { get; init; } = true;
}

internal sealed class ApplicationReferenceWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }
}

internal sealed class ResumedWire
{
    [JsonPropertyName("_trace")]
    public List<string> Trace { get; init; } = ["sandbox-gateway"];
}

/// <summary>A null <c>endpoint</c> means the voice server went away; the bot must wait for a new one.</summary>
internal sealed class VoiceServerUpdateWire
{
    [JsonPropertyName("token")]
    public required string Token { get; init; }

    [JsonPropertyName("guild_id")]
    public required string GuildId { get; init; }

    [JsonPropertyName("endpoint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Endpoint { get; init; }
}
