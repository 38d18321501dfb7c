using System.Globalization;
using System.Text.Json;

namespace Serverless.Sandbox.Gateway;

/// <summary>Tolerant reading of what a client sends: the frame's <c>op</c> and <c>d</c>, numbers and snowflakes.</summary>
internal static class GatewayPayloadReader
{
    /// <summary>Like <see cref="JsonElement.TryGetInt32(out int)"/>, but false instead of throwing for a non-number.</summary>
    public static bool TryInt32(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    public static bool TryReadSnowflake(JsonElement data, string name, out ulong? id)
    {
        id = null;
        if (!data.TryGetProperty(name, out var value))
        {
            return false;
        }

        // Snowflakes as string or number, as tolerant readers accept them.
        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out parsed))
        {
            id = parsed;
            return true;
        }

        return value.ValueKind == JsonValueKind.Null;
    }


    public static bool TryParse(ReadOnlySpan<byte> message, out int op, out JsonElement? data)
    {
        op = 0;
        data = null;
        try
        {
            using var document = JsonDocument.Parse(message.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !TryInt32(opElement, out op))
            {
                return false;
            }

            data = root.TryGetProperty("d", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
