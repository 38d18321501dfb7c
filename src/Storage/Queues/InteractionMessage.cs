using System.Text.Json.Serialization;

namespace Serverless.Storage.Queues;

/// <summary>
/// Wire shape of a message on the <c>interactions</c> queue: the common envelope
/// (<c>v</c>, <c>kind</c>, <c>correlationId</c>, <c>guildId</c>, <c>feature</c>, <c>action</c>, <c>enqueuedAt</c>)
/// and then its own fields. The host copies top-level fields into its invocation metadata, so none
/// is named like the host's own (<c>Id</c>, <c>DequeueCount</c>, …).
/// </summary>
public sealed class InteractionMessage
{
    public const int CurrentVersion = 1;
    public const string Kind = "interaction";

    [JsonPropertyName("v")]
    public int V { get; set; }

    [JsonPropertyName("kind")]
    public string? MessageKind { get; set; }

    [JsonPropertyName("correlationId")]
    public string? CorrelationId { get; set; }

    [JsonPropertyName("guildId")]
    public string? GuildId { get; set; }

    [JsonPropertyName("feature")]
    public string? Feature { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }

    [JsonPropertyName("enqueuedAt")]
    public DateTimeOffset EnqueuedAt { get; set; }

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

    [JsonPropertyName("locale")]
    public string? Locale { get; set; }

    [JsonPropertyName("options")]
    public Dictionary<string, string>? Options { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InteractionMessage))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
