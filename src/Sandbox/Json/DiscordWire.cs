using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Sandbox.Json;

// Discord's wire shapes as the sandbox writes them. Snowflakes are strings, as on Discord.

internal sealed class ErrorWire
{
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("errors")]
    public JsonElement? Errors { get; init; }
}

internal sealed class RateLimitedWire
{
    [JsonPropertyName("message")]
    public string Message { get; init; } = "You are being rate limited.";

    [JsonPropertyName("retry_after")]
    public double RetryAfter { get; init; }

    [JsonPropertyName("global")]
    public bool Global { get; init; }
}

internal sealed class UserWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("username")]
    public required string Username { get; init; }

    [JsonPropertyName("discriminator")]
    public string Discriminator { get; init; } = "0";

    [JsonPropertyName("global_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? GlobalName { get; init; }

    [JsonPropertyName("avatar")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Avatar { get; init; }

    [JsonPropertyName("bot")]
    public bool? Bot { get; init; }

    [JsonPropertyName("verified")]
    public bool? Verified { get; init; }

    [JsonPropertyName("mfa_enabled")]
    public bool? MfaEnabled { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }

    [JsonPropertyName("public_flags")]
    public int PublicFlags { get; init; }

    public static UserWire ForBot(ulong id) => new()
    {
        Id = id.ToString(CultureInfo.InvariantCulture),
        Username = SandboxDefaults.BotUsername,
        Bot = true,
        Verified = true,
        MfaEnabled = false,
    };
}

internal sealed class MessageWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("channel_id")]
    public required string ChannelId { get; init; }

    [JsonPropertyName("guild_id")]
    public string? GuildId { get; init; }

    [JsonPropertyName("type")]
    public int Type { get; init; }

    [JsonPropertyName("content")]
    public required string Content { get; init; }

    [JsonPropertyName("author")]
    public required UserWire Author { get; init; }

    [JsonPropertyName("timestamp")]
    public required string Timestamp { get; init; }

    [JsonPropertyName("edited_timestamp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? EditedTimestamp { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }

    [JsonPropertyName("tts")]
    public bool Tts { get; init; }

    [JsonPropertyName("mention_everyone")]
    public bool MentionEveryone { get; init; }

    [JsonPropertyName("mentions")]
    public JsonElement Mentions { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("mention_roles")]
    public JsonElement MentionRoles { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("attachments")]
    public JsonElement Attachments { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("embeds")]
    public JsonElement Embeds { get; init; }

    [JsonPropertyName("components")]
    public JsonElement Components { get; init; }

    [JsonPropertyName("pinned")]
    public bool Pinned { get; init; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; init; }

    [JsonPropertyName("webhook_id")]
    public string? WebhookId { get; init; }

    [JsonPropertyName("application_id")]
    public string? ApplicationId { get; init; }

    public static MessageWire From(SandboxMessage message) => new()
    {
        Id = Snowflake(message.Id),
        ChannelId = Snowflake(message.ChannelId),
        GuildId = message.GuildId is { } guild ? Snowflake(guild) : null,
        Type = message.Type,
        Content = message.Content,
        Author = UserWire.ForBot(message.AuthorId),
        Timestamp = Iso(message.Timestamp),
        EditedTimestamp = message.EditedTimestamp is { } edited ? Iso(edited) : null,
        Flags = message.Flags,
        Tts = message.Tts,
        Embeds = message.Embeds,
        Components = message.Components,
        Nonce = message.Nonce,
        WebhookId = message.WebhookId is { } webhook ? Snowflake(webhook) : null,
        ApplicationId = message.WebhookId is { } application ? Snowflake(application) : null,
    };

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
}

internal sealed class GatewayWire
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }
}

internal sealed class GatewayBotWire
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    [JsonPropertyName("shards")]
    public int Shards { get; init; } = 1;

    [JsonPropertyName("session_start_limit")]
    public SessionStartLimitWire SessionStartLimit { get; init; } = new();
}

internal sealed class SessionStartLimitWire
{
    [JsonPropertyName("total")]
    public int Total { get; init; } = 1000;

    [JsonPropertyName("remaining")]
    public int Remaining { get; init; } = 1000;

    /// <summary>Milliseconds until the daily identify budget resets.</summary>
    [JsonPropertyName("reset_after")]
    public long ResetAfter { get; init; } = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    [JsonPropertyName("max_concurrency")]
    public int MaxConcurrency { get; init; } = 1;
}

/// <summary>The answer of <c>POST /interactions/{id}/{token}/callback?with_response=true</c>.</summary>
internal sealed class InteractionCallbackWire
{
    [JsonPropertyName("interaction")]
    public required InteractionCallbackInteractionWire Interaction { get; init; }

    [JsonPropertyName("resource")]
    public InteractionCallbackResourceWire? Resource { get; init; }
}

internal sealed class InteractionCallbackInteractionWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public int Type { get; init; }

    [JsonPropertyName("response_message_id")]
    public string? ResponseMessageId { get; init; }

    [JsonPropertyName("response_message_loading")]
    public bool? ResponseMessageLoading { get; init; }

    [JsonPropertyName("response_message_ephemeral")]
    public bool? ResponseMessageEphemeral { get; init; }
}

internal sealed class InteractionCallbackResourceWire
{
    [JsonPropertyName("type")]
    public int Type { get; init; }

    [JsonPropertyName("message")]
    public MessageWire? Message { get; init; }
}
