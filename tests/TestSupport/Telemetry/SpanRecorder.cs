using System.Collections.Concurrent;
using System.Diagnostics;

namespace Serverless.TestSupport.Telemetry;

/// <summary>
/// Records the spans of one trace: the constructor starts <see cref="Root"/>, a W3C span of the test's own that is
/// current on the test's async flow, and every span of that trace from the named sources is kept once it stops;
/// spans of other tests, in other traces, are not.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    public SpanRecorder(params string[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);

        // Not started from a source: no listener hears it, so it never shows up among the recorded spans.
        Root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C);
        Root.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        Root.Start();
        var traceId = Root.TraceId;
        var root = Root;

        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId && !ReferenceEquals(activity, root))
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The test's own span, current on the test's async flow: what the code under test starts is its child.</summary>
    public Activity Root { get; }

    /// <summary>The spans of <see cref="Root"/>'s trace that stopped so far, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    public void Dispose()
    {
        _listener.Dispose();
        Root.Dispose();
    }
}
