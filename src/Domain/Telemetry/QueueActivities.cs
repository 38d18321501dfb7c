using System.Diagnostics;
using System.Globalization;

namespace Serverless.Domain.Telemetry;

/// <summary>
/// The spans of queued work (source <see cref="TelemetryNames.Queues"/>): a Producer span "enqueue {queue}" around each
/// send, whose context the envelope carries, and a Consumer span "process {queue}" around each run, started under that
/// context so the request, the enqueue and the work are one trace. Nothing is allocated when nobody listens.
/// </summary>
public static class QueueActivities
{
    public static readonly ActivitySource Source = new(TelemetryNames.Queues);

    private const string MessagingSystem = "azure_storage_queues";

    /// <summary>Starts "enqueue {queue}"; null when nothing listens (the envelope then carries no trace).</summary>
    public static Activity? StartEnqueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("enqueue " + queue, ActivityKind.Producer);
        activity?.SetTag("messaging.system", MessagingSystem)
            .SetTag("messaging.operation.type", "send")
            .SetTag("messaging.destination.name", queue);
        return activity;
    }

    /// <summary>
    /// Starts "process {queue}" under the trace <paramref name="trace"/> carried, linked to the span current now (the
    /// host's invocation); when it carried none or a malformed one, under the current span. Null when nothing listens.
    /// </summary>
    public static Activity? StartProcess(string queue, QueuedTraceContext trace)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (!Source.HasListeners())
        {
            return null;
        }

        // Under the envelope's trace, linked to the invocation; with none to restore, simply inside the invocation.
        var activity = trace.TryGetParent(out var parent)
            ? Source.StartActivity(
                "process " + queue,
                ActivityKind.Consumer,
                parent,
                links: Activity.Current is { } current ? [new ActivityLink(current.Context)] : null)
            : Source.StartActivity("process " + queue, ActivityKind.Consumer);
        activity?.SetTag("messaging.system", MessagingSystem)
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.destination.name", queue);
        return activity;
    }

    /// <summary>Tags <paramref name="activity"/> with the four <see cref="TelemetryDimensions"/> that are known.</summary>
    public static void SetDimensions(Activity? activity, string? correlationId, ulong? guildId, string? command, string? feature)
    {
        if (activity is null)
        {
            return;
        }

        SetIfAny(activity, TelemetryDimensions.CorrelationId, correlationId);
        if (guildId is { } guild)
        {
            activity.SetTag(TelemetryDimensions.GuildId, guild.ToString(CultureInfo.InvariantCulture));
        }

        SetIfAny(activity, TelemetryDimensions.Command, command);
        SetIfAny(activity, TelemetryDimensions.Feature, feature);
    }

    private static void SetIfAny(Activity activity, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            activity.SetTag(key, value);
        }
    }
}
