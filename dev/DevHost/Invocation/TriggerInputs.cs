using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Queues;
using Serverless.DevHost.Rpc;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost.Invocation;

/// <summary>What a timer function sees as <c>ScheduleStatus</c>; a null time is the host's "never" (0001-01-01).</summary>
public sealed record TimerScheduleStatus(DateTimeOffset? Last, DateTimeOffset Next, DateTimeOffset? LastUpdated);

/// <summary>
/// The <c>input_data</c> and <c>trigger_metadata</c> of an <c>InvocationRequest</c>, shaped as the host shapes them
/// (GrpcMessageConversionExtensions.ToRpc): a string is <c>string</c>, a byte array <c>bytes</c>, a number, a date
/// or any other object is <c>json</c> as Json.NET writes it; the host's <c>sys</c> binding data is never sent.
/// </summary>
internal static class TriggerInputs
{
    /// <summary>Json.NET leaves non-ASCII text and HTML characters alone; so do we.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A queue message: the trigger parameter is the message (decoded per <c>messageEncoding</c>) as a string, or its
    /// bytes for <c>dataType: binary</c>; trigger metadata holds the queue extension's binding data, and, as the host
    /// adds for a JSON object message, its top-level fields (which replace built-in data of the same name).
    /// </summary>
    /// <param name="onMetadataField">Told about each message field that replaces built-in trigger metadata.</param>
    public static InvocationInput Queue(QueueTrigger trigger, byte[] body, ReceivedQueueMessage message, DateTimeOffset utcNow, Action<string>? onMetadataField = null)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(message);
        var text = Encoding.UTF8.GetString(body);
        var value = trigger.DataType == BindingDataType.Binary
            ? new TypedData { Bytes = ByteString.CopyFrom(body) }
            : new TypedData { String = text };

        // The queue extension's binding data; the host fills in dates the service left out.
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["QueueTrigger"] = new() { String = text },
            ["DequeueCount"] = new() { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
            ["ExpirationTime"] = new() { Json = JsonDate(message.ExpiresOn ?? DateTimeOffset.MaxValue) },
            ["Id"] = new() { String = message.MessageId },
            ["InsertionTime"] = new() { Json = JsonDate(message.InsertedOn ?? utcNow) },
            ["NextVisibleTime"] = new() { Json = JsonDate(message.NextVisibleOn ?? DateTimeOffset.MaxValue) },
            ["PopReceipt"] = new() { String = message.PopReceipt },
        };
        foreach (var (name, field) in PromotedFields(text))
        {
            if (metadata.ContainsKey(name) || string.Equals(name, "sys", StringComparison.OrdinalIgnoreCase))
            {
                onMetadataField?.Invoke(name);
            }

            if (!string.Equals(name, "sys", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = field;
            }
        }

        return new InvocationInput([new ParameterBinding { Name = trigger.BindingName, Data = value }], metadata);
    }

    /// <summary>
    /// A timer: the trigger parameter is the host's <c>TimerInfo</c> as JSON (<c>Schedule</c>, <c>ScheduleStatus</c>,
    /// <c>IsPastDue</c>); a timer has no trigger metadata besides <c>sys</c>, which is not sent.
    /// </summary>
    public static InvocationInput Timer(TimerTrigger trigger, TimerScheduleStatus? status, bool isPastDue)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Schedule");
            writer.WriteBoolean("AdjustForDST", trigger.Schedule.AdjustForDst);
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
        }

        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return new InvocationInput(
            [new ParameterBinding { Name = trigger.BindingName, Data = new TypedData { Json = json } }],
            new Dictionary<string, TypedData>());
    }

    /// <summary>
    /// An HTTP trigger proxied to the worker's HTTP URI: the request itself goes over HTTP, so the host sends an
    /// empty <c>RpcHttp</c> as the input and leaves the request object out of the trigger metadata (the worker declares
    /// <c>RpcHttpTriggerMetadataRemoved</c>); what stays is <c>Query</c>, <c>Headers</c> and the route values.
    /// </summary>
    public static InvocationInput Http(HttpTrigger trigger, HttpRequest request, string invocationId)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(request);
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["Query"] = new() { Json = JsonObjectOf(request.Query.Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value.ToString()))) },
            ["Headers"] = new() { Json = JsonObjectOf(request.Headers.Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value.ToString()))) },
        };
        foreach (var (name, value) in request.RouteValues)
        {
            if (value is not null)
            {
                metadata[name] = new TypedData { String = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty };
            }
        }

        return new InvocationInput([new ParameterBinding { Name = trigger.BindingName, Data = new TypedData { Http = new RpcHttp() } }], metadata)
        {
            InvocationId = invocationId,
            TraceParent = request.Headers["traceparent"].FirstOrDefault(),
            TraceState = request.Headers["tracestate"].FirstOrDefault(),
        };
    }

    /// <summary>A date as Json.NET serializes a <see cref="DateTimeOffset"/>: <c>"2026-11-30T08:00:00+00:00"</c>, quotes included.</summary>
    internal static string JsonDate(DateTimeOffset value) => "\"" + FormatDateTimeOffset(value) + "\"";

    /// <summary>A date and offset as Json.NET writes one: <c>2026-11-30T08:00:00+00:00</c>.</summary>
    internal static string FormatDateTimeOffset(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// The top-level fields of a JSON object message, as the host adds them to the binding data: an object as JSON,
    /// anything else but an array as its text; arrays and nulls are left out. Not JSON: nothing, and no error.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, TypedData>> PromotedFields(string messageText)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(messageText);
        }
        catch (JsonException)
        {
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var fields = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                TypedData? value = property.Value.ValueKind switch
                {
                    JsonValueKind.Object => new TypedData { Json = Compact(property.Value) },
                    JsonValueKind.String => new TypedData { String = property.Value.GetString()! },
                    JsonValueKind.Number => new TypedData { String = property.Value.GetRawText() },
                    JsonValueKind.True => new TypedData { String = bool.TrueString },
                    JsonValueKind.False => new TypedData { String = bool.FalseString },
                    _ => null,
                };
                if (value is not null)
                {
                    // A repeated name: the last value wins, as in the host's dictionary.
                    fields[property.Name] = value;
                }
            }

            return fields;
        }
    }

    private static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string JsonObjectOf(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in pairs)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The host's ScheduleStatus holds local <see cref="DateTime"/>s (UTC on Azure), and "never" is
    /// <c>default(DateTime)</c>, which Json.NET writes without an offset.
    /// </summary>
    private static string FormatStatusTime(DateTimeOffset? value) =>
        value is { } time ? FormatDateTimeOffset(time) : "0001-01-01T00:00:00";
}
