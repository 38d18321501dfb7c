using System.Text.Json.Serialization;
using Serverless.Discord.Interactions;

namespace Serverless.Discord.Rest;

/// <summary>Body of a message edit (PATCH). Null fields are left out, so they stay as they are.</summary>
public sealed class MessageEditPayload
{
    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("allowed_mentions")]
    public AllowedMentionsPayload? AllowedMentions { get; set; }
}

public sealed class MessagePayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("channel_id")]
    public ulong ChannelId { get; set; }

    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("flags")]
    public MessageFlags? Flags { get; set; }
}

public sealed class DiscordErrorPayload
{
    [JsonPropertyName("code")]
    public int? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("retry_after")]
    public double? RetryAfter { get; set; }

    [JsonPropertyName("global")]
    public bool? Global { get; set; }
}
