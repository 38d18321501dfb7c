using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Companion.Tests.Telemetry;

/// <summary>One measurement as a listener saw it.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>Listens to one <see cref="Meter"/> instance only, so tests running in parallel with their own meters do not mix.</summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<RecordedMeasurement> Measurements => [.. _measurements];

    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>Reads every observable gauge once and returns what <paramref name="instrument"/> reported.</summary>
    public IReadOnlyList<RecordedMeasurement> Observe(string instrument)
    {
        _measurements.Clear();
        _listener.RecordObservableInstruments();
        return Of(instrument);
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}

/// <summary>
/// Records the spans of one trace: the test starts <see cref="Root"/> and every span under it (sources named in the
/// constructor) is kept; spans of other tests, in other traces, are not.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private const string TestSourceName = "Serverless.Companion.Tests";

    // Matched by name: comparing instances would read this field while it is being initialized.
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    public SpanRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TestSourceName || sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Root is { } root && activity.TraceId == root.TraceId && activity != root)
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Root = TestSource.StartActivity("test")!;
    }

    /// <summary>The test's own span, current on the test's async flow: what the code under test starts is its child.</summary>
    public Activity Root { get; }

    public IReadOnlyList<Activity> Spans => [.. _spans];

    public void Dispose()
    {
        Root.Dispose();
        _listener.Dispose();
    }
}

internal static class TestMeters
{
    /// <summary>The DI container's <see cref="IMeterFactory"/>: each call gives meters no other test shares.</summary>
    public static ServiceProvider CreateFactoryProvider() => new ServiceCollection().AddMetrics().BuildServiceProvider();
}
