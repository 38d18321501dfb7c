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

/// <summary>Body of a new channel message (POST). With <see cref="Nonce"/> and <see cref="EnforceNonce"/>, Discord posts it at most once, so it may be retried.</summary>
public sealed class MessageCreatePayload
{
    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }

    [JsonPropertyName("enforce_nonce")]
    public bool? EnforceNonce { get; set; }

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

public sealed class GatewayBotPayload
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("shards")]
    public int Shards { get; set; }

    [JsonPropertyName("session_start_limit")]
    public SessionStartLimitPayload? SessionStartLimit { get; set; }
}

public sealed class SessionStartLimitPayload
{
    [JsonPropertyName("total")]
    public int Total { get; set; }

    [JsonPropertyName("remaining")]
    public int Remaining { get; set; }

    /// <summary>Milliseconds until the limit resets.</summary>
    [JsonPropertyName("reset_after")]
    public long ResetAfter { get; set; }

    /// <summary>Identify requests allowed per 5 seconds.</summary>
    [JsonPropertyName("max_concurrency")]
    public int MaxConcurrency { get; set; }
}
