using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Interactions;

/// <summary>Writes interaction JSON shaped like Discord's (fields as Discord sends them, snowflakes as strings).</summary>
internal static class InteractionPayload
{
    /// <summary>Discord's current attachment size limit for a server without boosts.</summary>
    private const long AttachmentSizeLimit = 10 * 1024 * 1024;

    public static string Ping(ulong id, ulong applicationId, string token) => Write(writer =>
    {
        writer.WriteString("id", Snowflake(id));
        writer.WriteString("application_id", Snowflake(applicationId));
        writer.WriteNumber("type", 1);
        writer.WriteString("token", token);
        writer.WriteNumber("version", 1);
    });

    public static string Command(ulong id, ulong applicationId, string token, ulong commandId, CommandInteraction command, DateTimeOffset now, SandboxState state) => Write(writer =>
    {
        writer.WriteString("id", Snowflake(id));
        writer.WriteString("application_id", Snowflake(applicationId));
        writer.WriteNumber("type", 2);

        writer.WriteStartObject("data");
        writer.WriteString("id", Snowflake(commandId));
        writer.WriteString("name", command.Name);
        writer.WriteNumber("type", 1);
        if (command.Options.Count > 0)
        {
            WriteOptions(writer, command.Options);
            WriteResolvedChannels(writer, command, state);
        }

        writer.WriteEndObject();
        WriteContext(writer, command, token, now, state);
    });

    /// <summary>A MODAL_SUBMIT (type 5): the form's custom_id and each text input's value, in action rows.</summary>
    public static string ModalSubmit(ulong id, ulong applicationId, string token, ModalSubmitInteraction submit, SandboxMessage? message, DateTimeOffset now, SandboxState state) => Write(writer =>
    {
        writer.WriteString("id", Snowflake(id));
        writer.WriteString("application_id", Snowflake(applicationId));
        writer.WriteNumber("type", 5);
        writer.WriteStartObject("data");
        writer.WriteString("custom_id", submit.CustomId);
        writer.WriteStartArray("components");
        foreach (var (field, value) in submit.Values)
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", 1);
            writer.WriteStartArray("components");
            writer.WriteStartObject();
            writer.WriteNumber("type", 4);
            writer.WriteString("custom_id", field);
            writer.WriteString("value", value);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        if (message is not null)
        {
            WriteMessage(writer, message);
        }

        WriteContext(writer, submit.Context, token, now, state);
    });

    /// <summary>A MESSAGE_COMPONENT (type 3): which component, the chosen values of a select, and the whole message it is on.</summary>
    public static string Component(ulong id, ulong applicationId, string token, ComponentInteraction component, SandboxMessage message, ulong? guildId, DateTimeOffset now, SandboxState state) => Write(writer =>
    {
        writer.WriteString("id", Snowflake(id));
        writer.WriteString("application_id", Snowflake(applicationId));
        writer.WriteNumber("type", 3);
        writer.WriteStartObject("data");
        writer.WriteString("custom_id", component.CustomId);
        writer.WriteNumber("component_type", component.ComponentType);
        if (component.ComponentType != 2)
        {
            writer.WriteStartArray("values");
            foreach (var value in component.Values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        WriteMessage(writer, message);
        var context = new CommandInteraction
        {
            Name = "component",
            GuildId = guildId,
            ChannelId = message.ChannelId,
            UserId = component.Context.UserId,
            Username = component.Context.Username,
            MemberPermissions = component.Context.MemberPermissions,
            AppPermissions = component.Context.AppPermissions,
            Locale = component.Context.Locale,
        };
        WriteContext(writer, context, token, now, state);
    });

    private static void WriteMessage(Utf8JsonWriter writer, SandboxMessage message)
    {
        writer.WritePropertyName("message");
        writer.WriteRawValue(JsonSerializer.Serialize(Json.MessageWire.From(message), Json.SandboxJsonContext.Wire.MessageWire));
    }

    /// <summary>Where and by whom: guild, channel, member (or user), token and the fields Discord adds to every interaction.</summary>
    private static void WriteContext(Utf8JsonWriter writer, CommandInteraction command, string token, DateTimeOffset now, SandboxState state)
    {
        if (command.GuildId is { } guildId)
        {
            writer.WriteString("guild_id", Snowflake(guildId));
        }

        writer.WriteString("channel_id", Snowflake(command.ChannelId));
        writer.WriteStartObject("channel");
        writer.WriteString("id", Snowflake(command.ChannelId));
        writer.WriteNumber("type", command.GuildId is null ? 1 : 0);
        if (command.GuildId is { } channelGuild)
        {
            writer.WriteString("guild_id", Snowflake(channelGuild));
            writer.WriteString("name", "general");
        }

        writer.WriteEndObject();

        if (command.GuildId is not null)
        {
            writer.WriteStartObject("member");
            WriteUser(writer, "user", command);
            writer.WriteStartArray("roles");
            foreach (var role in state.MemberRoles(command.GuildId.Value, command.UserId))
            {
                writer.WriteStringValue(Snowflake(role));
            }

            writer.WriteEndArray();
            writer.WriteString("permissions", command.MemberPermissions);
            writer.WriteNull("nick");
            writer.WriteNull("avatar");
            writer.WriteString("joined_at", now.AddDays(-30).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture));
            writer.WriteNull("premium_since");
            writer.WriteBoolean("deaf", false);
            writer.WriteBoolean("mute", false);
            writer.WriteBoolean("pending", false);
            writer.WriteNumber("flags", 0);
            writer.WriteEndObject();
        }
        else
        {
            WriteUser(writer, "user", command);
        }

        writer.WriteString("token", token);
        writer.WriteNumber("version", 1);
        writer.WriteString("locale", command.Locale);
        if (command.GuildId is not null)
        {
            writer.WriteString("guild_locale", command.Locale);
        }

        writer.WriteString("app_permissions", command.AppPermissions);
        writer.WriteStartArray("entitlements");
        writer.WriteEndArray();
        writer.WriteStartObject("authorizing_integration_owners");
        writer.WriteString("0", command.GuildId is { } owner ? Snowflake(owner) : "0");
        writer.WriteEndObject();
        writer.WriteNumber("context", command.GuildId is null ? 1 : 0);
        writer.WriteNumber("attachment_size_limit", AttachmentSizeLimit);
    }

    /// <summary>
    /// <c>resolved.channels</c> for every channel option, as Discord sends it: a partial channel with the invoking
    /// member's permissions there (unlike <c>member.permissions</c>, which is for the channel the command came from).
    /// </summary>
    private static void WriteResolvedChannels(Utf8JsonWriter writer, CommandInteraction command, SandboxState state)
    {
        var channelIds = Flatten(command.Options)
            .Where(option => option.Type == CommandOptionType.Channel)
            .Select(option => ChannelIdOf(option.Value))
            .OfType<ulong>()
            .Distinct()
            .ToList();
        if (channelIds.Count == 0 || command.GuildId is not { } guildId)
        {
            return;
        }

        writer.WriteStartObject("resolved");
        writer.WriteStartObject("channels");
        foreach (var channelId in channelIds)
        {
            var (type, permissions) = state.MemberPermissionsIn(guildId, channelId, command.UserId);
            writer.WriteStartObject(Snowflake(channelId));
            writer.WriteString("id", Snowflake(channelId));
            writer.WriteString("name", "channel-" + Snowflake(channelId));
            writer.WriteNumber("type", type);
            writer.WriteString("permissions", Snowflake(permissions));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();

        static IEnumerable<CommandOption> Flatten(IEnumerable<CommandOption> options) =>
            options.SelectMany(option => Flatten(option.Options).Prepend(option));

        // From the library a channel id is a string; through the control API it arrives as JSON.
        static ulong? ChannelIdOf(object? value) => value switch
        {
            string text when ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
            JsonElement { ValueKind: JsonValueKind.String } json when ulong.TryParse(json.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
            JsonElement { ValueKind: JsonValueKind.Number } json when json.TryGetUInt64(out var id) => id,
            _ => null,
        };
    }

    private static void WriteUser(Utf8JsonWriter writer, string property, CommandInteraction command)
    {
        writer.WriteStartObject(property);
        writer.WriteString("id", Snowflake(command.UserId));
        writer.WriteString("username", command.Username);
        writer.WriteString("discriminator", "0");
        writer.WriteString("global_name", command.Username);
        writer.WriteNull("avatar");
        writer.WriteNumber("public_flags", 0);
        writer.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter writer, IEnumerable<CommandOption> options)
    {
        writer.WriteStartArray("options");
        foreach (var option in options)
        {
            writer.WriteStartObject();
            writer.WriteString("name", option.Name);
            writer.WriteNumber("type", (int)option.Type);
            if (option.Type is CommandOptionType.SubCommand or CommandOptionType.SubCommandGroup)
            {
                WriteOptions(writer, option.Options);
            }
            else
            {
                writer.WritePropertyName("value");
                WriteValue(writer, option.Value);
            }

            if (option.Focused)
            {
                writer.WriteBoolean("focused", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool boolean:
                writer.WriteBooleanValue(boolean);
                break;
            case long or int or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong id:
                writer.WriteStringValue(Snowflake(id));
                break;
            case double or float or decimal:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Snowflake(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    // Discord sends raw UTF-8 (no \uXXXX for "é" or "+"); the body never lands in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
