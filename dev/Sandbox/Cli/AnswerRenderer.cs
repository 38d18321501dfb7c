using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Cli;

/// <summary>
/// Writes messages and forms as plain text, roughly as Discord shows them, in full: content, embeds, and every
/// component with the custom_id that <c>click</c> and <c>submit</c> take.
/// </summary>
internal static class AnswerRenderer
{
    public static string Message(ConsoleMessageWire message, string indent = "  ")
    {
        var text = new StringBuilder();
        var marks = new List<string>();
        if (message.Ephemeral)
        {
            marks.Add("only you can see this");
        }

        if (message.Loading)
        {
            marks.Add("thinking…");
        }

        if (message.EditCount > 0)
        {
            marks.Add("edited");
        }

        text.Append(indent).Append(message.Author.Username).Append(" (message ").Append(message.Id).Append(')');
        if (marks.Count > 0)
        {
            text.Append(" [").AppendJoin(", ", marks).Append(']');
        }

        text.Append('\n');
        var body = indent + "  ";
        foreach (var line in message.Content.Split('\n'))
        {
            if (message.Content.Length > 0)
            {
                text.Append(body).Append(line).Append('\n');
            }
        }

        foreach (var embed in Array(message.Embeds))
        {
            Embed(text, embed, body);
        }

        foreach (var component in Array(message.Components))
        {
            Component(text, component, body);
        }

        return text.ToString();
    }

    /// <summary>A form the bot opened, its fields' custom_ids, and the <c>submit</c> line that fills it in.</summary>
    public static string Modal(ModalWire modal, string indent = "  ")
    {
        var text = new StringBuilder();
        text.Append(indent).Append("Form \"").Append(modal.Title).Append("\" [").Append(modal.CustomId).Append("]\n");
        var fields = new List<string>();
        foreach (var component in Array(modal.Components))
        {
            Component(text, component, indent + "  ", fields);
        }

        text.Append(indent).Append("Fill it in with: submit ").Append(Quote(modal.CustomId));
        foreach (var field in fields)
        {
            text.Append(' ').Append(Quote(field + "=…"));
        }

        return text.Append('\n').ToString();
    }

    private static void Embed(StringBuilder text, JsonElement embed, string indent)
    {
        text.Append(indent).Append("┌ embed");
        if (String(embed, "title") is { } title)
        {
            text.Append(": ").Append(title);
        }

        text.Append('\n');
        var inner = indent + "│ ";
        if (embed.TryGetProperty("author", out var author) && String(author, "name") is { } authorName)
        {
            text.Append(inner).Append(authorName).Append('\n');
        }

        if (String(embed, "description") is { } description)
        {
            foreach (var line in description.Split('\n'))
            {
                text.Append(inner).Append(line).Append('\n');
            }
        }

        foreach (var field in Array(embed, "fields"))
        {
            text.Append(inner).Append(String(field, "name") ?? "").Append(": ").Append((String(field, "value") ?? "").Replace("\n", "\n" + inner + "  ", StringComparison.Ordinal)).Append('\n');
        }

        if (embed.TryGetProperty("footer", out var footer) && String(footer, "text") is { } footerText)
        {
            text.Append(inner).Append("— ").Append(footerText).Append('\n');
        }

        text.Append(indent).Append("└\n");
    }

    /// <param name="label">A label component's text, for the input inside it.</param>
    private static void Component(StringBuilder text, JsonElement component, string indent, List<string>? fields = null, string? label = null)
    {
        var customId = String(component, "custom_id");
        switch (Int(component, "type"))
        {
            case 1 or 17:
                foreach (var child in Array(component, "components"))
                {
                    Component(text, child, indent, fields);
                }

                break;
            case 9:
                foreach (var child in Array(component, "components"))
                {
                    Component(text, child, indent, fields);
                }

                if (component.TryGetProperty("accessory", out var accessory))
                {
                    Component(text, accessory, indent, fields);
                }

                break;
            case 2:
                var caption = String(component, "label") ?? (component.TryGetProperty("emoji", out var emoji) ? String(emoji, "name") : null) ?? "";
                text.Append(indent).Append("[button \"").Append(caption).Append("\" ");
                text.Append(Int(component, "style") == 5 ? "→ " + String(component, "url") : $"{Style(Int(component, "style"))} custom_id={customId}");
                text.Append(Bool(component, "disabled") ? " disabled]" : "]").Append('\n');
                break;
            case 3 or 5 or 6 or 7 or 8:
                text.Append(indent).Append("[select custom_id=").Append(customId);
                if (String(component, "placeholder") is { } placeholder)
                {
                    text.Append(" \"").Append(placeholder).Append('"');
                }

                text.Append(Bool(component, "disabled") ? " disabled]" : "]").Append('\n');
                foreach (var option in Array(component, "options"))
                {
                    text.Append(indent).Append("  - ").Append(String(option, "value")).Append(": ").Append(String(option, "label"));
                    text.Append(Bool(option, "default") ? " (default)\n" : "\n");
                }

                break;
            case 4:
                var required = !(component.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.False);
                text.Append(indent).Append(customId).Append(": ").Append(label ?? String(component, "label") ?? "")
                    .Append(" (").Append(Int(component, "style") == 2 ? "paragraph" : "short").Append(required ? ", required)" : ", optional)").Append('\n');
                if (customId is not null)
                {
                    fields?.Add(customId);
                }

                break;
            case 18:
                if (component.TryGetProperty("component", out var input))
                {
                    Component(text, input, indent, fields, String(component, "label"));
                }

                break;
            case 10:
                text.Append(indent).Append(String(component, "content")).Append('\n');
                break;
            default:
                text.Append(indent).Append("[component type ").Append(Int(component, "type").ToString(CultureInfo.InvariantCulture)).Append(customId is null ? "]" : " custom_id=" + customId + "]").Append('\n');
                break;
        }
    }

    private static string Style(int style) => style switch
    {
        1 => "primary",
        2 => "secondary",
        3 => "success",
        4 => "danger",
        6 => "premium",
        _ => "style " + style.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Quotes an argument for a POSIX shell when it needs it.</summary>
    public static string Quote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-' or '=' or '.' or '/' or '…') ? text : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static List<JsonElement> Array(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray()] : [];

    private static List<JsonElement> Array(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var array) ? Array(array) : [];

    private static string? String(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;

    private static int Int(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var number) && number.TryGetInt32(out var parsed) ? parsed : 0;

    private static bool Bool(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var flag) && flag.ValueKind == JsonValueKind.True;
}
