using System.Globalization;
using System.Text.Json;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// Reads host.json and function metadata the way the Functions host does: property names without regard to case,
/// comments and trailing commas allowed, numbers and booleans also accepted as strings.
/// </summary>
internal static class JsonReading
{
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static JsonElement? Find(this JsonElement element, params ReadOnlySpan<string> path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            JsonElement? found = null;
            foreach (var property in current.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = property.Value;
                }
            }

            if (found is null)
            {
                return null;
            }

            current = found.Value;
        }

        return current;
    }

    public static string? FindString(this JsonElement element, string name) =>
        element.Find(name) is { } value ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        } : null;

    /// <summary>Reads a boolean written as <c>true</c> or <c>"true"</c>; throws <see cref="FormatException"/> on anything else.</summary>
    public static bool? FindBoolean(this JsonElement element, string name)
    {
        if (element.Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => throw new FormatException($"'{name}' must be true or false"),
        };
    }

    /// <summary>Reads an integer written as <c>16</c> or <c>"16"</c>; throws <see cref="FormatException"/> on anything else.</summary>
    public static int? FindInt32(this JsonElement element, string name)
    {
        if (element.Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new FormatException($"'{name}' must be an integer");
    }

    /// <summary>Reads a duration written as a TimeSpan string (<c>"00:00:30"</c>); throws <see cref="FormatException"/> otherwise.</summary>
    public static TimeSpan? FindTimeSpan(this JsonElement element, string name)
    {
        var text = element.FindString(name);
        if (text is null)
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{name}' must be a duration such as \"00:00:30\" (was \"{text}\")");
    }

    public static IReadOnlyList<string>? FindStringArray(this JsonElement element, string name)
    {
        if (element.Find(name) is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"'{name}' must be an array of strings");
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new FormatException($"'{name}' must be an array of strings"));
        }

        return items;
    }
}
