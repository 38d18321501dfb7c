using System.Globalization;
using System.Text.Json;

namespace Serverless.TestSupport.Telemetry;

/// <summary>
/// One item the Application Insights exporter sent (one JSON line of a <c>/v2.1/track</c> body), with the fields tests
/// ask about read out of its envelope: <c>tags</c> for the operation and role, <c>data.baseData</c> for the rest.
/// </summary>
public class RecordedTelemetry
{
    internal RecordedTelemetry(JsonElement envelope)
    {
        Envelope = envelope;
        ItemType = ShortName(Text(envelope, "name"));
        var tags = envelope.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        OperationId = Text(tags, "ai.operation.id");
        ParentId = Text(tags, "ai.operation.parentId");
        CloudRole = Text(tags, "ai.cloud.role");
        CloudRoleInstance = Text(tags, "ai.cloud.roleInstance");
        BaseData = envelope.TryGetProperty("data", out var data) && data.TryGetProperty("baseData", out var baseData) ? baseData : default;
        Properties = ReadProperties(BaseData);
    }

    /// <summary>The whole envelope as sent.</summary>
    public JsonElement Envelope { get; }

    /// <summary><c>Request</c>, <c>RemoteDependency</c>, <c>Message</c>, <c>Metric</c>, <c>Exception</c> (the envelope's name, any <c>Microsoft.ApplicationInsights.</c> prefix dropped).</summary>
    public string ItemType { get; }

    /// <summary>The trace id (<c>ai.operation.id</c>): the same on every item of one end-to-end transaction.</summary>
    public string? OperationId { get; }

    /// <summary>The parent span's id (<c>ai.operation.parentId</c>).</summary>
    public string? ParentId { get; }

    /// <summary><c>ai.cloud.role</c>: which process sent it.</summary>
    public string? CloudRole { get; }

    public string? CloudRoleInstance { get; }

    /// <summary><c>data.baseData</c>; undefined when the envelope has none.</summary>
    public JsonElement BaseData { get; }

    /// <summary><c>data.baseData.properties</c>: customDimensions in Application Insights (span tags, log scopes, metric dimensions).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    public string? Property(string key) => Properties.TryGetValue(key, out var value) ? value : null;

    internal static RecordedTelemetry Create(JsonElement envelope) => ShortName(Text(envelope, "name")) switch
    {
        "Request" => new RecordedRequest(envelope),
        "RemoteDependency" => new RecordedDependency(envelope),
        "Message" => new RecordedMessage(envelope),
        "Metric" => new RecordedMetric(envelope),
        "Exception" => new RecordedException(envelope),
        _ => new RecordedTelemetry(envelope),
    };

    public override string ToString() => $"{ItemType} op={OperationId} parent={ParentId} role={CloudRole}";

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    private static string ShortName(string? name)
    {
        var text = name ?? "";
        var dot = text.LastIndexOf('.');
        return dot < 0 ? text : text[(dot + 1)..];
    }

    private static Dictionary<string, string> ReadProperties(JsonElement baseData)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (baseData.ValueKind == JsonValueKind.Object && baseData.TryGetProperty("properties", out var bag) && bag.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in bag.EnumerateObject())
            {
                properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return properties;
    }
}

/// <summary>A span Application Insights files as a request or a dependency: its own id and name.</summary>
public abstract class RecordedSpan(JsonElement envelope) : RecordedTelemetry(envelope)
{
    /// <summary>The span id (<c>data.baseData.id</c>): a child's <see cref="RecordedTelemetry.ParentId"/>.</summary>
    public string? SpanId => Text(BaseData, "id");

    /// <summary>The span's name (<c>process interactions</c>, <c>PATCH /webhooks/…</c>).</summary>
    public string? Name => Text(BaseData, "name");

    public override string ToString() => $"{ItemType} '{Name}' id={SpanId} op={OperationId} parent={ParentId} role={CloudRole}";
}

/// <summary>A server or consumer span (the interaction request, queued work).</summary>
public sealed class RecordedRequest(JsonElement envelope) : RecordedSpan(envelope)
{
    public string? ResponseCode => Text(BaseData, "responseCode");

    public bool? Success => BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("success", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
        ? value.GetBoolean()
        : null;
}

/// <summary>A client, producer or internal span (a Discord call, an enqueue, a Lavalink call).</summary>
public sealed class RecordedDependency(JsonElement envelope) : RecordedSpan(envelope)
{
    /// <summary>The dependency type (<c>HTTP</c>, <c>InProc</c>, <c>Queue Message | azure_storage_queues</c>…).</summary>
    public string? DependencyType => Text(BaseData, "type");

    public string? Target => Text(BaseData, "target");

    public string? ResultCode => Text(BaseData, "resultCode");

    /// <summary>The command or URL (<c>data</c>), what the exporter derived from the span's tags.</summary>
    public string? Data => Text(BaseData, "data");
}

/// <summary>A log record.</summary>
public sealed class RecordedMessage(JsonElement envelope) : RecordedTelemetry(envelope)
{
    public string? Message => Text(BaseData, "message");

    public string? SeverityLevel => Text(BaseData, "severityLevel");

    public string? CategoryName => Property("CategoryName");

    public override string ToString() => $"Message [{CategoryName}] {Message}";
}

/// <summary>One metric series' aggregate for an export interval (a histogram's sum and count, a counter's sum, a gauge's last value).</summary>
public sealed class RecordedMetric(JsonElement envelope) : RecordedTelemetry(envelope)
{
    private JsonElement Point => BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("metrics", out var metrics)
        && metrics.ValueKind == JsonValueKind.Array && metrics.GetArrayLength() > 0
            ? metrics[0]
            : default;

    /// <summary><c>data.baseData.metrics[0].name</c>, the instrument's name (<c>bot.interaction.duration</c>).</summary>
    public string? MetricName => Text(Point, "name");

    /// <summary>The value: the sum for histograms and counters, the last value for gauges.</summary>
    public double Value => Number(Point, "value") ?? 0;

    /// <summary>How many measurements a histogram aggregated (1 when the exporter leaves it out).</summary>
    public long Count => (long)(Number(Point, "count") ?? 1);

    public double? Min => Number(Point, "min");

    public double? Max => Number(Point, "max");

    public override string ToString() =>
        $"Metric {MetricName} value={Value.ToString(CultureInfo.InvariantCulture)} count={Count} [{string.Join(", ", Properties.Select(p => $"{p.Key}={p.Value}"))}] role={CloudRole}";

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;
}

/// <summary>An exception, logged or recorded on a span.</summary>
public sealed class RecordedException(JsonElement envelope) : RecordedTelemetry(envelope)
{
    /// <summary>The outermost exception's type name.</summary>
    public string? TypeName => FirstDetail("typeName");

    public string? Message => FirstDetail("message");

    private string? FirstDetail(string name) =>
        BaseData.ValueKind == JsonValueKind.Object && BaseData.TryGetProperty("exceptions", out var exceptions)
        && exceptions.ValueKind == JsonValueKind.Array && exceptions.GetArrayLength() > 0
            ? Text(exceptions[0], name)
            : null;
}
