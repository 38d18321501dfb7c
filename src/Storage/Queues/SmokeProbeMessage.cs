using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Storage.Queues;

/// <summary>
/// The <c>bot-ops smoke</c> probe on the <c>interactions</c> queue: the envelope with kind <c>smoke</c> and nothing else.
/// The worker only logs it and lets the host delete it, so a deployment can prove its queue is drained without running
/// a command, calling Discord or touching the ledger; the only thing a sender can do with it is add one log line.
/// </summary>
public static class SmokeProbeMessage
{
    public const string Kind = "smoke";
    public const int CurrentVersion = 1;

    /// <summary>The longest correlation id accepted: a <see cref="Guid"/> in "N" form is 32, so a log line stays short.</summary>
    public const int MaxCorrelationIdLength = 64;

    public static string Encode(string correlationId, DateTimeOffset enqueuedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(correlationId);
        return JsonSerializer.Serialize(
            new SmokeProbe { V = CurrentVersion, MessageKind = Kind, CorrelationId = correlationId, EnqueuedAt = enqueuedAt },
            SmokeProbeJsonContext.Default.SmokeProbe);
    }

    /// <summary>
    /// True when <paramref name="text"/> is a smoke probe of this version with a short, plain correlation id (letters,
    /// digits, '-'), which is all the worker logs of it.
    /// </summary>
    public static bool TryRead(string text, out string? correlationId)
    {
        correlationId = null;
        SmokeProbe? probe;
        try
        {
            probe = JsonSerializer.Deserialize(text, SmokeProbeJsonContext.Default.SmokeProbe);
        }
        catch (JsonException)
        {
            return false;
        }

        if (probe is not { V: CurrentVersion, MessageKind: Kind, CorrelationId: { Length: > 0 and <= MaxCorrelationIdLength } id }
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return false;
        }

        correlationId = id;
        return true;
    }

    internal sealed class SmokeProbe : QueueEnvelope;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SmokeProbeMessage.SmokeProbe))]
internal sealed partial class SmokeProbeJsonContext : JsonSerializerContext;
