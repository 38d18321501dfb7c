using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Serverless.Discord.Gateway;

/// <summary>Writes the payloads this client sends. The token goes into bytes for the socket and nowhere else.</summary>
internal static class GatewayPayloads
{
    public static ReadOnlyMemory<byte> Heartbeat(long? sequence) => Write(GatewayOpcode.Heartbeat, writer =>
    {
        if (sequence is { } value)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    });

    public static ReadOnlyMemory<byte> Identify(string token, int intents, string clientName, int shardId, int shardCount) => Write(GatewayOpcode.Identify, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("token", token);
        writer.WriteNumber("intents", intents);
        writer.WriteStartObject("properties");
        writer.WriteString("os", OperatingSystemName());
        writer.WriteString("browser", clientName);
        writer.WriteString("device", clientName);
        writer.WriteEndObject();
        writer.WriteStartArray("shard");
        writer.WriteNumberValue(shardId);
        writer.WriteNumberValue(shardCount);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    public static ReadOnlyMemory<byte> Resume(string token, string sessionId, long sequence) => Write(GatewayOpcode.Resume, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("token", token);
        writer.WriteString("session_id", sessionId);
        writer.WriteNumber("seq", sequence);
        writer.WriteEndObject();
    });

    public static ReadOnlyMemory<byte> VoiceStateUpdate(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf) => Write(GatewayOpcode.VoiceStateUpdate, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("guild_id", guildId.ToString(CultureInfo.InvariantCulture));
        if (channelId is { } channel)
        {
            writer.WriteString("channel_id", channel.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            // Null is meaningful: it leaves the voice channel.
            writer.WriteNull("channel_id");
        }

        writer.WriteBoolean("self_mute", selfMute);
        writer.WriteBoolean("self_deaf", selfDeaf);
        writer.WriteEndObject();
    });

    /// <summary>Throws before anything is sent when Discord would close the connection over the payload's size.</summary>
    public static void EnsureWithinLimit(int opcode, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > GatewayLimits.MaxPayloadBytes)
        {
            throw new GatewayPayloadTooLargeException(opcode, payload.Length);
        }
    }

    private static ReadOnlyMemory<byte> Write(int opcode, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("op", opcode);
            writer.WritePropertyName("d");
            writeData(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static string OperatingSystemName() =>
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux";
}
