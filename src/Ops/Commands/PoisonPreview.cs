using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Ops.Commands;

/// <summary>
/// What <c>queues poison peek</c> shows of one message: the envelope's fields when it is readable, and a short preview
/// of the body with every token replaced by <see cref="Redacted"/>. An interaction token lets whoever holds it answer
/// as the bot for 15 minutes, so it is never printed, whatever the body's shape.
/// </summary>
internal sealed partial record PoisonPreview(string? Kind, string? Command, string? CorrelationId, string? GuildId, string Preview)
{
    public const string Redacted = "REDACTED";

    public const int PreviewLength = 160;

    /// <param name="stored">The message text as stored: base64 as the host writes it, or anything a broken producer wrote.</param>
    public static PoisonPreview Read(string stored)
    {
        var text = Decode(stored);
        JsonNode? node = null;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Not JSON: only the text-level redaction below applies.
        }

        if (node is JsonObject envelope)
        {
            RedactTokens(envelope);
            return new PoisonPreview(
                StringField(envelope, "kind"),
                StringField(envelope, "feature"),
                StringField(envelope, "correlationId"),
                StringField(envelope, "guildId"),
                Shorten(envelope.ToJsonString()));
        }

        if (node is not null)
        {
            RedactTokens(node);
            return new PoisonPreview(null, null, null, null, Shorten(node.ToJsonString()));
        }

        return new PoisonPreview(null, null, null, null, Shorten(RedactText(text)));
    }

    /// <summary>The host's base64 decoded when it is base64 of UTF-8 text; the stored text otherwise.</summary>
    private static string Decode(string stored)
    {
        var buffer = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored, buffer, out var length))
        {
            return stored;
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return stored;
        }
    }

    private static string? StringField(JsonObject envelope, string name) =>
        envelope[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static void RedactTokens(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(property => property.Key).ToList())
                {
                    if (name.Contains("token", StringComparison.OrdinalIgnoreCase) && obj[name] is not null)
                    {
                        obj[name] = Redacted;
                    }
                    else if (obj[name] is { } child)
                    {
                        RedactTokens(child);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        RedactTokens(child);
                    }
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && RedactText(text) is var redacted && redacted != text:
                node.ReplaceWith(redacted);
                break;
        }
    }

    /// <summary>For text that is not JSON (or a string inside JSON): token fields and anything shaped like an interaction token.</summary>
    private static string RedactText(string text) =>
        InteractionTokenPattern().Replace(TokenFieldPattern().Replace(text, "${name}\"" + Redacted + "\""), Redacted);

    private static string Shorten(string text) => text.Length <= PreviewLength ? text : text[..(PreviewLength - 1)] + "…";

    // "interactionToken": "…" in text that did not parse as JSON (cut short, say).
    [GeneratedRegex("(?<name>\"[^\"]*token[^\"]*\"\\s*:\\s*)\"[^\"]*\"?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenFieldPattern();

    // Discord's interaction tokens start with base64 of "interaction:".
    [GeneratedRegex("aW50ZXJhY3Rpb246[A-Za-z0-9_\\-\\.=]*", RegexOptions.CultureInvariant)]
    private static partial Regex InteractionTokenPattern();
}
