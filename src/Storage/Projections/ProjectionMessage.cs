using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;
using Serverless.Storage.Queues;

namespace Serverless.Storage.Projections;

/// <summary>
/// Wire shape of a message on the <c>projections</c> queue: the <see cref="QueueEnvelope"/> (<c>kind</c>
/// <c>projection-refresh</c>, <c>feature</c> the projection's, <c>action</c> <c>refresh</c>), then the projection's key.
/// The message says which projection, never what to show: the refresher renders the latest state.
/// </summary>
public sealed class ProjectionMessage : QueueEnvelope
{
    public const int CurrentVersion = 1;
    public const string Kind = "projection-refresh";
    public const string RefreshAction = "refresh";

    /// <summary><c>{feature}/{subject}/{guild}</c>, as <see cref="ProjectionKey.ToString"/> writes it.</summary>
    [JsonPropertyName("projection")]
    public string? Projection { get; set; }
}

/// <summary>Encodes refreshes for the <c>projections</c> queue and decodes them with a reason when they are unusable.</summary>
public static class ProjectionMessageCodec
{
    public static string Encode(ProjectionKey key, string correlationId, DateTimeOffset now, QueuedTraceContext trace = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return JsonSerializer.Serialize(
            new ProjectionMessage
            {
                V = ProjectionMessage.CurrentVersion,
                MessageKind = ProjectionMessage.Kind,
                CorrelationId = correlationId,
                GuildId = key.GuildId.ToString(CultureInfo.InvariantCulture),
                Feature = key.Feature,
                Action = ProjectionMessage.RefreshAction,
                EnqueuedAt = now,
                Projection = key.ToString(),
                TraceParent = trace.TraceParent,
                TraceState = trace.TraceParent is null ? null : trace.TraceState,
            },
            ProjectionJsonContext.Default.ProjectionMessage);
    }

    /// <summary>The key, or null with the reason (the message then goes to poison).</summary>
    public static (ProjectionKey? Key, string? CorrelationId, QueuedTraceContext Trace, string? Error) Decode(string text)
    {
        ProjectionMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(text, ProjectionJsonContext.Default.ProjectionMessage);
        }
        catch (JsonException exception)
        {
            return (null, null, QueuedTraceContext.None, $"not JSON ({exception.Message})");
        }

        if (message is null)
        {
            return (null, null, QueuedTraceContext.None, "empty message");
        }

        var trace = InteractionMessageCodec.ReadTrace(message);
        if (message.V != ProjectionMessage.CurrentVersion || message.MessageKind != ProjectionMessage.Kind)
        {
            return (null, message.CorrelationId, trace, $"unknown version/kind v={message.V} kind={message.MessageKind ?? "(none)"}");
        }

        return ProjectionKey.TryParse(message.Projection, out var key)
            ? (key, message.CorrelationId ?? "", trace, null)
            : (null, message.CorrelationId, trace, "missing or malformed projection key");
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProjectionMessage))]
internal sealed partial class ProjectionJsonContext : JsonSerializerContext;
