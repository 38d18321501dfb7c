using System.Diagnostics;

namespace Serverless.Domain.Telemetry;

/// <summary>
/// The W3C trace context a queue message carries from the process that enqueued it to the one that runs it, so the
/// interaction request, the enqueue and the queued work are one operation in Application Insights. Storage queues
/// carry no headers, so it travels in the message's envelope (<c>traceparent</c>, <c>tracestate</c>).
/// </summary>
public readonly record struct QueuedTraceContext(string? TraceParent, string? TraceState)
{
    /// <summary>Nothing to restore: the consumer starts a trace of its own.</summary>
    public static QueuedTraceContext None => default;

    /// <summary>The current span's context, or <see cref="None"/> when nothing is being traced (no listener, no cost).</summary>
    public static QueuedTraceContext Capture() => Capture(Activity.Current);

    public static QueuedTraceContext Capture(Activity? activity) =>
        activity is null || activity.IdFormat != ActivityIdFormat.W3C
            ? None
            : new QueuedTraceContext(activity.Id, activity.TraceStateString);

    /// <summary>The remote parent to start the consumer's span under; false when the message carried none or a malformed one.</summary>
    public bool TryGetParent(out ActivityContext parent) =>
        ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out parent);
}
