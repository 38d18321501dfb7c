using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Discord.Tests.Telemetry;

/// <summary>One recorded measurement: instrument name, value and its dimensions.</summary>
internal sealed record Measurement(string Name, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Listens to one <see cref="Meter"/> instance (each test's container has its own) and to the spans of one trace
/// (a parent activity this capture starts), so tests running in parallel never see each other's telemetry.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly Activity _root;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TelemetryCapture(Meter meter, string sourceName)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _meters.Start();

        _root = new Activity("test-root").SetIdFormat(ActivityIdFormat.W3C).Start();
        var traceId = _root.TraceId;
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_spans);
    }

    public IReadOnlyList<Activity> Spans => [.. _stopped];

    public IReadOnlyList<Measurement> Measurements(string name) => [.. _measurements.Where(m => m.Name == name)];

    /// <summary>Reads every observable gauge once and returns what <paramref name="name"/> reported.</summary>
    public IReadOnlyList<Measurement> Observe(string name)
    {
        _meters.RecordObservableInstruments();
        return Measurements(name);
    }

    public void Dispose()
    {
        _spans.Dispose();
        _meters.Dispose();
        _root.Stop();
    }

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }
}
