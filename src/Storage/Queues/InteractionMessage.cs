using System.Text.Json.Serialization;

namespace Serverless.Storage.Queues;

/// <summary>
/// The envelope every queue message starts with (<c>v</c>, <c>kind</c>, <c>correlationId</c>, <c>guildId</c>,
/// <c>feature</c>, <c>action</c>, <c>enqueuedAt</c>, and the W3C <c>traceparent</c> and <c>tracestate</c> of the span that
/// enqueued it); each message adds its own fields. The host copies top-level
/// fields into its invocation metadata, so none is named like the host's own (<c>Id</c>, <c>DequeueCount</c>, …).
/// </summary>
public abstract class QueueEnvelope
{
    // Negative orders: the serializer writes a derived class's own properties first otherwise.
    [JsonPropertyName("v")]
    [JsonPropertyOrder(-7)]
    public int V { get; set; }

    [JsonPropertyName("kind")]
    [JsonPropertyOrder(-6)]
    public string? MessageKind { get; set; }

    [JsonPropertyName("correlationId")]
    [JsonPropertyOrder(-5)]
    public string? CorrelationId { get; set; }

    [JsonPropertyName("guildId")]
    [JsonPropertyOrder(-4)]
    public string? GuildId { get; set; }

    [JsonPropertyName("feature")]
    [JsonPropertyOrder(-3)]
    public string? Feature { get; set; }

    [JsonPropertyName("action")]
    [JsonPropertyOrder(-2)]
    public string? Action { get; set; }

    [JsonPropertyName("enqueuedAt")]
    [JsonPropertyOrder(-1)]
    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>The enqueuing span (W3C <c>traceparent</c>); absent when nothing was traced.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; set; }

    [JsonPropertyName("tracestate")]
    public string? TraceState { get; set; }
}

/// <summary>Wire shape of a message on the <c>interactions</c> queue: the envelope, then the interaction to answer.</summary>
public sealed class InteractionMessage : QueueEnvelope
{
    public const int CurrentVersion = 1;
    public const string Kind = "interaction";

    [JsonPropertyName("interactionId")]
    public string? InteractionId { get; set; }

    [JsonPropertyName("applicationId")]
    public string? ApplicationId { get; set; }

    [JsonPropertyName("interactionToken")]
    public string? InteractionToken { get; set; }

    [JsonPropertyName("channelId")]
    public string? ChannelId { get; set; }

    [JsonPropertyName("userId")]
    public string? UserId { get; set; }

    /// <summary>The member's permission bitfield as Discord sent it (a decimal string), so a deferred command can check it.</summary>
    [JsonPropertyName("memberPermissions")]
    public string? MemberPermissions { get; set; }

    /// <summary>The member's role ids (decimal strings), so deferred work can compute the member's rights in a channel.</summary>
    [JsonPropertyName("memberRoles")]
    public List<string>? MemberRoles { get; set; }

    [JsonPropertyName("locale")]
    public string? Locale { get; set; }

    [JsonPropertyName("options")]
    public Dictionary<string, string>? Options { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InteractionMessage))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
