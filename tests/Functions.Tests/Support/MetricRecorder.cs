using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;

namespace Serverless.Functions.Tests.Support;

/// <summary>
/// A private <see cref="IMeterFactory"/> and a <see cref="MeterListener"/> that hears only the meters that factory made,
/// so tests running in parallel never see each other's measurements.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();

    public MetricRecorder(bool listen = true)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        if (!listen)
        {
            return;
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    public ConcurrentQueue<RecordedMeasurement> Measurements { get; } = new();

    /// <summary>What the observable instruments report now (each call appends their current values).</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public IReadOnlyList<RecordedMeasurement> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        Measurements.Enqueue(new RecordedMeasurement(instrument.Meter.Name, instrument.Name, instrument.Unit, value, copy));
    }
}

public sealed record RecordedMeasurement(string Meter, string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}
