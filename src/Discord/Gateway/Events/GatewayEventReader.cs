using System.Globalization;
using System.Text.Json;

namespace Serverless.Discord.Gateway.Events;

/// <summary>
/// Reads the typed events from a dispatch's <see cref="JsonElement"/>, tolerantly: snowflakes as strings or numbers,
/// unknown fields ignored, optional fields may be missing. A payload without the ids that matter gives false rather
/// than an exception, so one odd event cannot stop the shard's read loop.
/// </summary>
/// <remarks>
/// The shard already parsed the payload; binding it to DTOs through a serializer would parse it a second time and
/// fail the whole event on one odd field, where reading field by field keeps what is usable.
/// </remarks>
internal static class GatewayEventReader
{
    public static bool TryReadReady(int shardId, JsonElement data, out GatewayReady? ready)
    {
        ready = null;
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("user", out var user)
            || user.ValueKind != JsonValueKind.Object
            || ReadSnowflake(user, "id") is not { } botUserId)
        {
            return false;
        }

        ready = new GatewayReady(shardId, botUserId, ReadString(data, "session_id"));
        return true;
    }

    /// <summary>False for an unreadable payload; <paramref name="guild"/> stays null (and the result true) for an unavailable guild.</summary>
    public static bool TryReadGuildCreate(JsonElement data, out GatewayGuildCreate? guild)
    {
        guild = null;
        if (data.ValueKind != JsonValueKind.Object || ReadSnowflake(data, "id") is not { } guildId)
        {
            return false;
        }

        if (ReadBoolean(data, "unavailable") == true)
        {
            // An outage's placeholder carries no voice states; the real GUILD_CREATE follows.
            return true;
        }

        // GUILD_CREATE voice states carry no member; the bot flag comes from the members list sent alongside.
        var bots = new HashSet<ulong>();
        if (data.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array)
        {
            foreach (var member in members.EnumerateArray())
            {
                if (ReadMemberUser(member) is ({ } userId, true))
                {
                    bots.Add(userId);
                }
            }
        }

        var states = new List<VoiceMemberState>();
        if (data.TryGetProperty("voice_states", out var voiceStates) && voiceStates.ValueKind == JsonValueKind.Array)
        {
            foreach (var voiceState in voiceStates.EnumerateArray())
            {
                if (voiceState.ValueKind == JsonValueKind.Object && ReadSnowflake(voiceState, "user_id") is { } userId)
                {
                    var isBot = ReadMemberBotFlag(voiceState) ?? (bots.Contains(userId) ? true : null);
                    states.Add(new VoiceMemberState(userId, ReadSnowflake(voiceState, "channel_id"), ReadString(voiceState, "session_id"), isBot));
                }
            }
        }

        guild = new GatewayGuildCreate(guildId, states);
        return true;
    }

    public static bool TryReadGuildDelete(JsonElement data, out GatewayGuildDelete? removal)
    {
        removal = null;
        if (data.ValueKind != JsonValueKind.Object || ReadSnowflake(data, "id") is not { } guildId)
        {
            return false;
        }

        removal = new GatewayGuildDelete(guildId, ReadBoolean(data, "unavailable") == true);
        return true;
    }

    public static bool TryReadVoiceStateUpdate(JsonElement data, out GatewayVoiceStateUpdate? update)
    {
        update = null;
        if (data.ValueKind != JsonValueKind.Object
            || ReadSnowflake(data, "guild_id") is not { } guildId
            || ReadSnowflake(data, "user_id") is not { } userId)
        {
            return false;
        }

        update = new GatewayVoiceStateUpdate(
            guildId,
            new VoiceMemberState(userId, ReadSnowflake(data, "channel_id"), ReadString(data, "session_id"), ReadMemberBotFlag(data)));
        return true;
    }

    public static bool TryReadVoiceServerUpdate(JsonElement data, out GatewayVoiceServerUpdate? update)
    {
        update = null;
        if (data.ValueKind != JsonValueKind.Object || ReadSnowflake(data, "guild_id") is not { } guildId)
        {
            return false;
        }

        update = new GatewayVoiceServerUpdate(guildId, ReadString(data, "token"), ReadString(data, "endpoint"));
        return true;
    }

    private static bool? ReadMemberBotFlag(JsonElement voiceState) =>
        voiceState.TryGetProperty("member", out var member) ? ReadMemberUser(member).IsBot : null;

    private static (ulong? UserId, bool? IsBot) ReadMemberUser(JsonElement member) =>
        member.ValueKind == JsonValueKind.Object
        && member.TryGetProperty("user", out var user)
        && user.ValueKind == JsonValueKind.Object
            ? (ReadSnowflake(user, "id"), ReadBoolean(user, "bot"))
            : (null, null);

    private static ulong? ReadSnowflake(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonValueKind.Number when value.TryGetUInt64(out var number) => number,
            _ => null,
        };
    }

    private static string? ReadString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static bool? ReadBoolean(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            }
            : null;
}
