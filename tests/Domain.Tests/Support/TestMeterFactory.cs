using System.Diagnostics.Metrics;

namespace Serverless.Domain.Tests.Support;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters name it as their scope, so a <see cref="MeterListener"/> can listen to
/// this test's instruments alone while other tests record on meters of the same name.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}

/// <summary>Every measurement of the instruments of one <see cref="TestMeterFactory"/>, with its tags.</summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();

    public RecordedMeasurements(TestMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public List<Measurement> All { get; } = [];

    public IReadOnlyList<Measurement> Of(string instrument)
    {
        lock (All)
        {
            return [.. All.Where(measurement => measurement.Instrument == instrument)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        lock (All)
        {
            All.Add(new Measurement(instrument.Name, instrument.Meter.Name, instrument.Unit, value, copy));
        }
    }

    public sealed record Measurement(string Instrument, string Meter, string? Unit, double Value, IReadOnlyDictionary<string, string?> Tags);
}
