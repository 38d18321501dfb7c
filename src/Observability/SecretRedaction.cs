using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Serverless.Observability;

/// <summary>
/// The last line of defence before export: interaction tokens travel in webhook paths and the bot token in an
/// Authorization header, and neither may leave the process in a span tag or a log line even if some library records
/// a URL or a header. Our own code never puts them there; this catches what others might.
/// </summary>
internal static partial class SecretRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>Replaces webhook tokens (<c>/webhooks/{id}/{token}</c>) and <c>Bot …</c>/<c>Bearer …</c> credentials.</summary>
    public static string Redact(string value)
    {
        if (value.Length < 20)
        {
            return value;
        }

        var redacted = WebhookToken().Replace(value, match => match.Groups["prefix"].Value + Redacted);
        return AuthorizationValue().Replace(redacted, match => match.Groups["scheme"].Value + Redacted);
    }

    public static object? RedactValue(object? value) => value is string text ? Redact(text) : value;

    [GeneratedRegex(@"(?<prefix>/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_\-.]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex WebhookToken();

    [GeneratedRegex(@"(?<scheme>\b(?:Bot|Bearer) )[A-Za-z0-9_\-.]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();
}

/// <summary>Redacts every string tag and the display name of each finished span.</summary>
internal sealed class SpanSecretRedactionProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        data.DisplayName = SecretRedaction.Redact(data.DisplayName);
        foreach (var tag in data.TagObjects.ToArray())
        {
            if (tag.Value is string text && SecretRedaction.Redact(text) is var redacted && redacted != text)
            {
                data.SetTag(tag.Key, redacted);
            }
        }
    }
}

/// <summary>Redacts the message, the template's arguments and the exception message of each log record.</summary>
internal sealed class LogSecretRedactionProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = SecretRedaction.Redact(message);
        }

        if (data.Body is { } body)
        {
            data.Body = SecretRedaction.Redact(body);
        }

        if (data.Attributes is { Count: > 0 } attributes)
        {
            data.Attributes = attributes.Select(pair => new KeyValuePair<string, object?>(pair.Key, SecretRedaction.RedactValue(pair.Value))).ToList();
        }
    }
}
