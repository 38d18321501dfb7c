using System.Diagnostics.Metrics;
using System.Globalization;

namespace Serverless.TestSupport.Telemetry;

/// <summary>One measurement as a <see cref="MeterRecorder"/> heard it: meter and instrument names, unit, value and tags.</summary>
public sealed record RecordedMeasurement(string Meter, string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    /// <summary>The tag's value as an invariant-culture string, or null when the measurement has no such tag.</summary>
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> instance, or of every meter one <see cref="IMeterFactory"/> made
/// (<see cref="Meter.Scope"/> is that factory), so tests running in parallel with meters of their own never mix.
/// Records int, long and double measurements in the order they were made.
/// </summary>
/// <remarks>
/// Observable instruments report only when asked: <see cref="Observe()"/> reads each of them once. What they report is
/// kept in <see cref="Measurements"/> like any other measurement (earlier observations are not discarded), and
/// <see cref="Observe()"/> / <see cref="Observe(string)"/> return only what that one reading reported.
/// </remarks>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedMeasurement> _measurements = [];
    private readonly object _gate = new();
    private List<RecordedMeasurement>? _observation;
    private int _observingThread;

    /// <summary>Listens to the instruments of this meter instance only.</summary>
    public MeterRecorder(Meter meter)
        : this(instrument => ReferenceEquals(instrument.Meter, meter ?? throw new ArgumentNullException(nameof(meter))))
    {
    }

    /// <summary>Listens to the instruments of every meter <paramref name="factory"/> made.</summary>
    public MeterRecorder(IMeterFactory factory)
        : this(instrument => ReferenceEquals(instrument.Meter.Scope, factory ?? throw new ArgumentNullException(nameof(factory))))
    {
    }

    private MeterRecorder(Func<Instrument, bool> hears)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (hears(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement heard so far, in order.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements
    {
        get
        {
            lock (_gate)
            {
                return [.. _measurements];
            }
        }
    }

    /// <summary>Every measurement of <paramref name="instrument"/> heard so far, in order.</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    /// <summary>Reads every observable instrument once; returns what this reading reported (also kept in <see cref="Measurements"/>).</summary>
    public IReadOnlyList<RecordedMeasurement> Observe()
    {
        var observation = new List<RecordedMeasurement>();
        lock (_gate)
        {
            _observation = observation;
            _observingThread = Environment.CurrentManagedThreadId;
        }

        try
        {
            // The callbacks of observable instruments run on this thread, before this call returns.
            _listener.RecordObservableInstruments();
        }
        finally
        {
            lock (_gate)
            {
                _observation = null;
            }
        }

        return observation;
    }

    /// <summary>Reads every observable instrument once and returns what <paramref name="instrument"/> reported in this reading.</summary>
    public IReadOnlyList<RecordedMeasurement> Observe(string instrument) => [.. Observe().Where(m => m.Instrument == instrument)];

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue;
        }

        var measurement = new RecordedMeasurement(instrument.Meter.Name, instrument.Name, instrument.Unit, value, copy);
        lock (_gate)
        {
            _measurements.Add(measurement);
            if (_observation is not null && instrument.IsObservable && _observingThread == Environment.CurrentManagedThreadId)
            {
                _observation.Add(measurement);
            }
        }
    }
}
