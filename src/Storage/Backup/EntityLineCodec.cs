using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace Serverless.Storage.Backup;

/// <summary>
/// One table entity as one line of JSON, every property with its EDM type so a restore writes it back exactly:
/// <c>{"partitionKey":"…","rowKey":"…","properties":{"Name":{"type":"int64","value":"9007199254740993"}}}</c>.
/// Int64 and Double are strings (JSON numbers lose Int64 beyond 2^53, and have no NaN or infinity), binary is base64,
/// DateTime is the round-trip "O" form. Properties are written in ordinal name order, so the same rows give the same
/// bytes; the service's Timestamp and ETag are not data and are left out. A null property is absent, as in Tables.
/// </summary>
public static class EntityLineCodec
{
    private const string TimestampProperty = "Timestamp";
    private const string ETagProperty = "odata.etag";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>The entity's line, without the line break.</summary>
    /// <exception cref="InvalidDataException">A property has a type Tables does not store.</exception>
    public static byte[] Encode(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("partitionKey", entity.PartitionKey);
            writer.WriteString("rowKey", entity.RowKey);
            writer.WriteStartObject("properties");
            foreach (var name in entity.Keys.Where(IsData).Order(StringComparer.Ordinal))
            {
                var value = entity[name];
                if (value is null)
                {
                    continue;
                }

                writer.WriteStartObject(name);
                WriteTyped(writer, name, value);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">The line is not an entity as <see cref="Encode"/> writes one.</exception>
    public static TableEntity Decode(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("the line is not a JSON object");
            }

            var entity = new TableEntity(RequiredString(root, "partitionKey"), RequiredString(root, "rowKey"));
            if (!root.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("the line has no \"properties\" object");
            }

            foreach (var property in properties.EnumerateObject())
            {
                entity[property.Name] = ReadTyped(property.Name, property.Value);
            }

            return entity;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new InvalidDataException("the line is not valid: " + exception.Message, exception);
        }
    }

    private static bool IsData(string name) =>
        name is not ("PartitionKey" or "RowKey" or TimestampProperty or ETagProperty) && !name.Contains("@odata.", StringComparison.Ordinal);

    private static void WriteTyped(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString("type", "string");
                writer.WriteString("value", text);
                break;
            case int number:
                writer.WriteString("type", "int32");
                writer.WriteNumber("value", number);
                break;
            case long number:
                writer.WriteString("type", "int64");
                writer.WriteString("value", number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                writer.WriteString("type", "double");
                writer.WriteString("value", number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case bool flag:
                writer.WriteString("type", "bool");
                writer.WriteBoolean("value", flag);
                break;
            case DateTimeOffset at:
                writer.WriteString("type", "datetime");
                writer.WriteString("value", at.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime at:
                writer.WriteString("type", "datetime");
                writer.WriteString("value", new DateTimeOffset(DateTime.SpecifyKind(at, at.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : at.Kind)).ToString("O", CultureInfo.InvariantCulture));
                break;
            case Guid id:
                writer.WriteString("type", "guid");
                writer.WriteString("value", id.ToString("D"));
                break;
            case byte[] bytes:
                writer.WriteString("type", "binary");
                writer.WriteBase64String("value", bytes);
                break;
            case BinaryData data:
                writer.WriteString("type", "binary");
                writer.WriteBase64String("value", data.ToMemory().Span);
                break;
            default:
                throw new InvalidDataException($"Property {name} has type {value.GetType().Name}, which Tables does not store.");
        }
    }

    private static object ReadTyped(string name, JsonElement typed)
    {
        if (typed.ValueKind != JsonValueKind.Object || !typed.TryGetProperty("type", out var type) || !typed.TryGetProperty("value", out var value))
        {
            throw new InvalidDataException($"property {name} needs a type and a value");
        }

        return type.GetString() switch
        {
            "string" => value.GetString() ?? throw new InvalidDataException($"property {name} is a string without one"),
            "int32" => value.GetInt32(),
            "int64" => long.Parse(Text(name, value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            "double" => double.Parse(Text(name, value), NumberStyles.Float, CultureInfo.InvariantCulture),
            "bool" => value.GetBoolean(),
            "datetime" => DateTimeOffset.ParseExact(Text(name, value), "O", CultureInfo.InvariantCulture, DateTimeStyles.None),
            "guid" => Guid.ParseExact(Text(name, value), "D"),
            "binary" => value.GetBytesFromBase64(),
            var other => throw new InvalidDataException($"property {name} has unknown type '{other}'"),
        };
    }

    private static string Text(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new InvalidDataException($"property {name} must be a string");

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"the line has no \"{name}\"");
}
