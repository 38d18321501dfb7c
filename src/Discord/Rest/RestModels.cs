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

    /// <summary>Null leaves the message's components as they are; an empty list removes them.</summary>
    [JsonPropertyName("components")]
    public List<MessageComponentPayload>? Components { get; set; }
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

    [JsonPropertyName("components")]
    public List<MessageComponentPayload>? Components { get; set; }

    /// <summary>Follow-ups only: <see cref="MessageFlags.Ephemeral"/> shows the message to the invoking user alone.</summary>
    [JsonPropertyName("flags")]
    public MessageFlags? Flags { get; set; }
}

/// <summary>A message component: an action row (type 1) holding buttons (type 2).</summary>
public sealed class MessageComponentPayload
{
    public const int ActionRowType = 1;
    public const int ButtonType = 2;

    /// <summary>Button styles: 1 primary, 2 secondary, 3 success, 4 danger.</summary>
    public const int PrimaryStyle = 1;
    public const int SecondaryStyle = 2;
    public const int DangerStyle = 4;

    [JsonPropertyName("type")]
    public int Type { get; set; }

    [JsonPropertyName("style")]
    public int? Style { get; set; }

    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("custom_id")]
    public string? CustomId { get; set; }

    [JsonPropertyName("disabled")]
    public bool? Disabled { get; set; }

    [JsonPropertyName("components")]
    public List<MessageComponentPayload>? Components { get; set; }
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

    /// <summary>Who posted it; for the bot's own channel posts, the bot user. Fetched messages carry no nonce.</summary>
    [JsonPropertyName("author")]
    public UserPayload? Author { get; set; }
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

/// <summary>A channel (<c>GET /channels/{channel}</c>): just what deciding whether the bot can post there needs.</summary>
public sealed class ChannelPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    /// <summary>Discord's channel type: 0 text, 5 announcement, 2 voice, 11 public thread, …</summary>
    [JsonPropertyName("type")]
    public int Type { get; set; }

    /// <summary>Absent for DMs.</summary>
    [JsonPropertyName("guild_id")]
    public ulong? GuildId { get; set; }

    /// <summary>The category of a channel, or the channel a thread was started in.</summary>
    [JsonPropertyName("parent_id")]
    public ulong? ParentId { get; set; }

    [JsonPropertyName("permission_overwrites")]
    public List<PermissionOverwritePayload>? PermissionOverwrites { get; set; }
}

public sealed class PermissionOverwritePayload
{
    /// <summary>A role id (the guild's id for @everyone) or a user id, as <see cref="Type"/> says.</summary>
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    /// <summary>0 role, 1 member.</summary>
    [JsonPropertyName("type")]
    public int Type { get; set; }

    /// <summary>Permission bits as a decimal string, as Discord sends them.</summary>
    [JsonPropertyName("allow")]
    public string? Allow { get; set; }

    [JsonPropertyName("deny")]
    public string? Deny { get; set; }
}

/// <summary>A guild (<c>GET /guilds/{guild}</c>): its owner and its roles, which the full object carries.</summary>
public sealed class GuildPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("owner_id")]
    public ulong OwnerId { get; set; }

    [JsonPropertyName("roles")]
    public List<RolePayload>? Roles { get; set; }
}

public sealed class RolePayload
{
    /// <summary>The @everyone role's id is the guild's.</summary>
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    /// <summary>Permission bits as a decimal string.</summary>
    [JsonPropertyName("permissions")]
    public string? Permissions { get; set; }
}

/// <summary>A member's voice state (<c>GET /guilds/{guild}/voice-states/{user}</c>).</summary>
public sealed class VoiceStatePayload
{
    [JsonPropertyName("guild_id")]
    public ulong? GuildId { get; set; }

    [JsonPropertyName("channel_id")]
    public ulong? ChannelId { get; set; }

    [JsonPropertyName("user_id")]
    public ulong UserId { get; set; }

    [JsonPropertyName("session_id")]
    public string? SessionId { get; set; }
}

/// <summary>The bot's application (<c>GET /oauth2/applications/@me</c>): who owns it, a user or a team.</summary>
public sealed class ApplicationPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("owner")]
    public UserPayload? Owner { get; set; }

    /// <summary>Set when a team owns the application; then <see cref="Owner"/> is the team's synthetic user.</summary>
    [JsonPropertyName("team")]
    public TeamPayload? Team { get; set; }
}

public sealed class TeamPayload
{
    [JsonPropertyName("id")]
    public ulong Id { get; set; }

    [JsonPropertyName("owner_user_id")]
    public ulong? OwnerUserId { get; set; }

    [JsonPropertyName("members")]
    public List<TeamMemberPayload>? Members { get; set; }
}

public sealed class TeamMemberPayload
{
    [JsonPropertyName("user")]
    public UserPayload? User { get; set; }
}
