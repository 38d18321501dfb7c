using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Json;

// Discord's wire shapes as the sandbox writes them. Snowflakes are strings, as on Discord.

/// <summary>How Discord writes ids, permission bit sets and times.</summary>
internal static class WireText
{
    /// <summary>Snowflakes and permission bit sets alike: decimal strings.</summary>
    public static string Snowflake(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
}

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

/// <summary><c>GET /oauth2/applications/@me</c>: the parts the bot reads (who owns it), with a few neighbours for realism.</summary>
internal sealed class ApplicationWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("bot_public")]
    public bool BotPublic { get; init; }

    [JsonPropertyName("owner")]
    public required UserWire Owner { get; init; }

    [JsonPropertyName("team")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public TeamWire? Team { get; init; }
}

internal sealed class TeamWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("owner_user_id")]
    public required string OwnerUserId { get; init; }

    [JsonPropertyName("members")]
    public required IReadOnlyList<TeamMemberWire> Members { get; init; }
}

internal sealed class TeamMemberWire
{
    [JsonPropertyName("membership_state")]
    public int MembershipState { get; init; } = 2;

    [JsonPropertyName("team_id")]
    public required string TeamId { get; init; }

    [JsonPropertyName("role")]
    public string Role { get; init; } = "admin";

    [JsonPropertyName("user")]
    public required UserWire User { get; init; }
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
        Id = WireText.Snowflake(message.Id),
        ChannelId = WireText.Snowflake(message.ChannelId),
        GuildId = message.GuildId is { } guild ? WireText.Snowflake(guild) : null,
        Type = message.Type,
        Content = message.Content,
        Author = UserWire.ForBot(message.AuthorId),
        Timestamp = WireText.Timestamp(message.Timestamp),
        EditedTimestamp = message.EditedTimestamp is { } edited ? WireText.Timestamp(edited) : null,
        Flags = message.Flags,
        Tts = message.Tts,
        Embeds = message.Embeds,
        Components = message.Components,
        Nonce = message.Nonce,
        WebhookId = message.WebhookId is { } webhook ? WireText.Snowflake(webhook) : null,
        ApplicationId = message.WebhookId is { } application ? WireText.Snowflake(application) : null,
    };
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

/// <summary>A guild channel (<c>GET /channels/{id}</c>), with the fields a bot usually reads.</summary>
internal sealed class ChannelWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public int Type { get; init; }

    [JsonPropertyName("guild_id")]
    public string? GuildId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("position")]
    public int Position { get; init; }

    [JsonPropertyName("parent_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ParentId { get; init; }

    [JsonPropertyName("permission_overwrites")]
    public required List<OverwriteWire> PermissionOverwrites { get; init; }

    [JsonPropertyName("nsfw")]
    public bool Nsfw { get; init; }

    [JsonPropertyName("rate_limit_per_user")]
    public int RateLimitPerUser { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }

    /// <summary>Voice and stage channels only: bits per second.</summary>
    [JsonPropertyName("bitrate")]
    public int? Bitrate { get; init; }

    /// <summary>Voice and stage channels only: 0 is unlimited.</summary>
    [JsonPropertyName("user_limit")]
    public int? UserLimit { get; init; }

    public static ChannelWire From(SandboxChannel channel) => new()
    {
        Id = WireText.Snowflake(channel.Id),
        Type = channel.Type,
        GuildId = channel.GuildId is { } guild ? WireText.Snowflake(guild) : null,
        Name = channel.Name ?? "channel-" + WireText.Snowflake(channel.Id),
        Bitrate = channel.IsVoice ? 64000 : null,
        UserLimit = channel.IsVoice ? 0 : null,
        ParentId = channel.ParentId is { } parent ? WireText.Snowflake(parent) : null,
        PermissionOverwrites = [.. channel.Overwrites.Select(o => new OverwriteWire
        {
            Id = WireText.Snowflake(o.Id),
            Type = o.Type,
            Allow = WireText.Snowflake(o.Allow),
            Deny = WireText.Snowflake(o.Deny),
        })],
    };
}

/// <summary>Allow and deny are permission bit sets as decimal strings, like every permission field since API v8.</summary>
internal sealed class OverwriteWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public int Type { get; init; }

    [JsonPropertyName("allow")]
    public required string Allow { get; init; }

    [JsonPropertyName("deny")]
    public required string Deny { get; init; }
}

/// <summary>
/// The guild object, roles included, trimmed to plausible defaults: <c>GET /guilds/{id}</c> and, with the fields only
/// GUILD_CREATE carries (channels, members, voice states…; null and left out elsewhere), the gateway's GUILD_CREATE.
/// </summary>
internal sealed class GuildWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public string Name { get; init; } = SandboxDefaults.GuildName;

    [JsonPropertyName("icon")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Icon { get; init; }

    [JsonPropertyName("owner_id")]
    public required string OwnerId { get; init; }

    [JsonPropertyName("roles")]
    public required List<RoleWire> Roles { get; init; }

    [JsonPropertyName("emojis")]
    public JsonElement Emojis { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("stickers")]
    public JsonElement? Stickers { get; init; }

    [JsonPropertyName("features")]
    public JsonElement Features { get; init; } = MessageJson.EmptyArray;

    [JsonPropertyName("preferred_locale")]
    public string PreferredLocale { get; init; } = SandboxDefaults.Locale;

    [JsonPropertyName("joined_at")]
    public string? JoinedAt { get; init; }

    [JsonPropertyName("large")]
    public bool? Large { get; init; }

    [JsonPropertyName("unavailable")]
    public bool? Unavailable { get; init; }

    [JsonPropertyName("member_count")]
    public int? MemberCount { get; init; }

    [JsonPropertyName("channels")]
    public List<ChannelWire>? Channels { get; init; }

    [JsonPropertyName("threads")]
    public JsonElement? Threads { get; init; }

    [JsonPropertyName("members")]
    public List<MemberWire>? Members { get; init; }

    [JsonPropertyName("voice_states")]
    public List<VoiceStateWire>? VoiceStates { get; init; }

    [JsonPropertyName("presences")]
    public JsonElement? Presences { get; init; }

    [JsonPropertyName("stage_instances")]
    public JsonElement? StageInstances { get; init; }

    [JsonPropertyName("guild_scheduled_events")]
    public JsonElement? GuildScheduledEvents { get; init; }

    public static GuildWire From(SandboxGuild guild) => new()
    {
        Id = WireText.Snowflake(guild.Id),
        OwnerId = WireText.Snowflake(guild.OwnerId),
        Roles = RolesOf(guild),
    };

    /// <summary>
    /// GUILD_CREATE's guild: the REST fields plus its members, channels and voice states, and empty lists where the
    /// sandbox keeps nothing (stickers, threads, presences…).
    /// </summary>
    public static GuildWire ForGuildCreate(SandboxGuild guild, string joinedAt, List<ChannelWire> channels, List<MemberWire> members, List<VoiceStateWire> voiceStates) => new()
    {
        Id = WireText.Snowflake(guild.Id),
        OwnerId = WireText.Snowflake(guild.OwnerId),
        Roles = RolesOf(guild),
        Stickers = MessageJson.EmptyArray,
        JoinedAt = joinedAt,
        Large = false,
        Unavailable = false,
        MemberCount = members.Count,
        Channels = channels,
        Threads = MessageJson.EmptyArray,
        Members = members,
        VoiceStates = voiceStates,
        Presences = MessageJson.EmptyArray,
        StageInstances = MessageJson.EmptyArray,
        GuildScheduledEvents = MessageJson.EmptyArray,
    };

    public static List<RoleWire> RolesOf(SandboxGuild guild) =>
    [
        .. guild.Roles.Select((role, position) => new RoleWire
        {
            Id = WireText.Snowflake(role.Id),
            Name = role.Id == guild.Id ? "@everyone" : "role-" + WireText.Snowflake(role.Id),
            Position = position,
            Permissions = WireText.Snowflake(role.Permissions),
        }),
    ];
}

internal sealed class RoleWire
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("color")]
    public int Color { get; init; }

    [JsonPropertyName("hoist")]
    public bool Hoist { get; init; }

    [JsonPropertyName("position")]
    public int Position { get; init; }

    [JsonPropertyName("permissions")]
    public required string Permissions { get; init; }

    [JsonPropertyName("managed")]
    public bool Managed { get; init; }

    [JsonPropertyName("mentionable")]
    public bool Mentionable { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }
}

/// <summary><c>GET /guilds/{id}/members/{user}</c>.</summary>
internal sealed class MemberWire
{
    [JsonPropertyName("user")]
    public required UserWire User { get; init; }

    [JsonPropertyName("nick")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Nick { get; init; }

    [JsonPropertyName("roles")]
    public required List<string> Roles { get; init; }

    [JsonPropertyName("joined_at")]
    public required string JoinedAt { get; init; }

    [JsonPropertyName("deaf")]
    public bool Deaf { get; init; }

    [JsonPropertyName("mute")]
    public bool Mute { get; init; }

    [JsonPropertyName("flags")]
    public int Flags { get; init; }

    [JsonPropertyName("pending")]
    public bool Pending { get; init; }

    [JsonPropertyName("communication_disabled_until")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? CommunicationDisabledUntil { get; init; }

    public static MemberWire From(ulong guildId, ulong userId, IReadOnlyList<ulong> roleIds, ulong botUserId) => new()
    {
        User = userId == botUserId
            ? UserWire.ForBot(userId)
            : new UserWire { Id = WireText.Snowflake(userId), Username = SandboxDefaults.Username },
        Roles = [.. roleIds.Select(WireText.Snowflake)],
        // Everyone joined when the guild was created, which its id tells.
        JoinedAt = WireText.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds((long)(guildId >> 22) + SnowflakeGenerator.DiscordEpochMilliseconds)),
    };
}

/// <summary>
/// Discord's voice state object: in GUILD_CREATE (without <c>guild_id</c>), in VOICE_STATE_UPDATE and from
/// <c>GET /guilds/{id}/voice-states/{user}</c>. A null <c>channel_id</c> means the user left voice.
/// </summary>
internal sealed class VoiceStateWire
{
    [JsonPropertyName("guild_id")]
    public string? GuildId { get; init; }

    [JsonPropertyName("channel_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ChannelId { get; init; }

    [JsonPropertyName("user_id")]
    public required string UserId { get; init; }

    [JsonPropertyName("member")]
    public MemberWire? Member { get; init; }

    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    [JsonPropertyName("deaf")]
    public bool Deaf { get; init; }

    [JsonPropertyName("mute")]
    public bool Mute { get; init; }

    [JsonPropertyName("self_deaf")]
    public bool SelfDeaf { get; init; }

    [JsonPropertyName("self_mute")]
    public bool SelfMute { get; init; }

    [JsonPropertyName("self_video")]
    public bool SelfVideo { get; init; }

    [JsonPropertyName("suppress")]
    public bool Suppress { get; init; }

    [JsonPropertyName("request_to_speak_timestamp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? RequestToSpeakTimestamp { get; init; }

    /// <param name="channelId">Null when reporting that the user left.</param>
    public static VoiceStateWire From(SandboxVoiceState state, ulong? channelId, MemberWire? member, bool withGuildId) => new()
    {
        GuildId = withGuildId ? WireText.Snowflake(state.GuildId) : null,
        ChannelId = channelId is { } channel ? WireText.Snowflake(channel) : null,
        UserId = WireText.Snowflake(state.UserId),
        Member = member,
        SessionId = state.SessionId,
        SelfDeaf = state.SelfDeaf,
        SelfMute = state.SelfMute,
    };
}
