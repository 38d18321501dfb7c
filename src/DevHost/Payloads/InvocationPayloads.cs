using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost.Payloads;

/// <summary>What a timer's handler sees as <c>ScheduleStatus</c>; a null time is the host's "never" (0001-01-01).</summary>
public sealed record TimerScheduleStatus(DateTimeOffset? Last, DateTimeOffset Next, DateTimeOffset? LastUpdated);

/// <summary>
/// Builds the bodies of <c>POST /{functionName}</c> the way the Functions host does for a custom handler,
/// quirks included, because the handler must survive exactly these:
/// <list type="bullet">
/// <item>each trigger value goes through Json.NET once more, so a queue message arrives as a JSON string of its text;</item>
/// <item>metadata values are strings: <c>"DequeueCount":"1"</c>, <c>"Id":"\"guid\""</c>;</item>
/// <item>top-level fields of a JSON message are copied into <c>Metadata</c>, each JSON-encoded into a string, and one
/// named like trigger metadata (<c>Id</c>, <c>DequeueCount</c>, ...) replaces it;</item>
/// <item><c>Metadata.sys</c> carries <c>MethodName</c>, <c>UtcNow</c> and <c>RandGuid</c>.</item>
/// </list>
/// Dates use Json.NET's ISO format (7 fraction digits, trailing zeros dropped). Queue metadata dates are written
/// unquoted, as in the shared samples; the host's source suggests it quotes them like <c>Id</c> (a handler should
/// accept both).
/// </summary>
internal static class InvocationPayloads
{
    /// <summary>Json.NET leaves non-ASCII text and HTML characters alone; so do we.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="onMetadataField">Told about each message field named like trigger metadata (<c>Id</c>, <c>DequeueCount</c>, ...).</param>
    public static byte[] BuildQueuePayload(
        string functionName,
        string bindingName,
        string messageText,
        ReceivedQueueMessage message,
        DateTimeOffset utcNow,
        Guid randGuid,
        Action<string>? onMetadataField = null)
    {
        ArgumentNullException.ThrowIfNull(message);

        // The queue extension's binding data, in its order; the host fills in dates the service left out.
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("DequeueCount", message.DequeueCount.ToString(CultureInfo.InvariantCulture)),
            new("ExpirationTime", FormatDateTimeOffset(message.ExpiresOn ?? DateTimeOffset.MaxValue)),
            new("Id", JsonEncode(message.MessageId)),
            new("InsertionTime", FormatDateTimeOffset(message.InsertedOn ?? utcNow)),
            new("NextVisibleTime", FormatDateTimeOffset(message.NextVisibleOn ?? DateTimeOffset.MaxValue)),
            new("PopReceipt", JsonEncode(message.PopReceipt)),
        };
        foreach (var (name, value) in PromotedFields(messageText))
        {
            if (string.Equals(name, "sys", StringComparison.OrdinalIgnoreCase))
            {
                // The host sets sys after the trigger's data, so a message field cannot replace it.
                onMetadataField?.Invoke(name);
                continue;
            }

            // The queue extension lets a message field replace built-in data of the same name (in place, keeping the
            // built-in's spelling), which is why our envelope avoids such names.
            var existing = metadata.FindIndex(entry => string.Equals(entry.Key, name, StringComparison.OrdinalIgnoreCase));
            if (existing < 0)
            {
                metadata.Add(new(name, value));
            }
            else
            {
                onMetadataField?.Invoke(name);
                metadata[existing] = new(metadata[existing].Key, value);
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Data");
            writer.WriteString(bindingName, JsonEncode(messageText));
            writer.WriteEndObject();

            writer.WriteStartObject("Metadata");
            foreach (var (name, value) in metadata)
            {
                writer.WriteString(name, value);
            }

            WriteSys(writer, functionName, utcNow, randGuid);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] BuildTimerPayload(
        string functionName,
        string bindingName,
        TimerSchedule schedule,
        TimerScheduleStatus? status,
        bool isPastDue,
        DateTimeOffset utcNow,
        Guid randGuid)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Data");
            writer.WriteStartObject(bindingName);
            writer.WriteStartObject("Schedule");
            writer.WriteBoolean("AdjustForDST", schedule.AdjustForDst);
            writer.WriteEndObject();
            if (status is null)
            {
                writer.WriteNull("ScheduleStatus");
            }
            else
            {
                writer.WriteStartObject("ScheduleStatus");
                writer.WriteString("Last", FormatStatusTime(status.Last));
                writer.WriteString("Next", FormatStatusTime(status.Next));
                writer.WriteString("LastUpdated", FormatStatusTime(status.LastUpdated));
                writer.WriteEndObject();
            }

            writer.WriteBoolean("IsPastDue", isPastDue);
            writer.WriteEndObject();
            writer.WriteEndObject();

            writer.WriteStartObject("Metadata");
            WriteSys(writer, functionName, utcNow, randGuid);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Json.NET's <c>SerializeObject(string)</c>: the text as a JSON string literal, quotes included.</summary>
    internal static string JsonEncode(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A date and offset as Json.NET writes one: <c>2026-11-30T08:00:00+00:00</c>.</summary>
    internal static string FormatDateTimeOffset(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>A UTC time as Json.NET writes a UTC <see cref="DateTime"/>: <c>2026-11-23T08:00:01.1234567Z</c>.</summary>
    internal static string FormatUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The top-level fields of a JSON object message, each value as the compact JSON text of that value.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> PromotedFields(string messageText)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(messageText);
        }
        catch (JsonException)
        {
            // Not JSON: the host adds nothing, and that is not an error.
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var fields = new List<KeyValuePair<string, string>>();
            var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // The host leaves out binding data whose name ends in "trigger" (the trigger value itself).
                if (property.Name.EndsWith("trigger", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = property.Value.ValueKind == JsonValueKind.String
                    ? JsonEncode(property.Value.GetString()!)
                    : CompactJson(property.Value);
                if (positions.TryGetValue(property.Name, out var position))
                {
                    // A repeated name: the last value wins, as in the host's dictionary.
                    fields[position] = new(fields[position].Key, value);
                }
                else
                {
                    positions[property.Name] = fields.Count;
                    fields.Add(new(property.Name, value));
                }
            }

            return fields;
        }
    }

    private static string CompactJson(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteSys(Utf8JsonWriter writer, string functionName, DateTimeOffset utcNow, Guid randGuid)
    {
        writer.WriteStartObject("sys");
        writer.WriteString("MethodName", functionName);
        writer.WriteString("UtcNow", FormatUtc(utcNow));
        writer.WriteString("RandGuid", randGuid.ToString("D"));
        writer.WriteEndObject();
    }

    /// <summary>
    /// The host's ScheduleStatus holds local <see cref="DateTime"/>s (UTC on Azure), and "never" is
    /// <c>default(DateTime)</c>, which Json.NET writes without an offset.
    /// </summary>
    private static string FormatStatusTime(DateTimeOffset? value) =>
        value is { } time ? FormatDateTimeOffset(time) : "0001-01-01T00:00:00";
}
