using System.Diagnostics.Metrics;

namespace Serverless.TestSupport.Telemetry;

/// <summary>
/// A meter factory of a test's own: every meter it makes is a new instance whose <see cref="Meter.Scope"/> is this
/// factory, so a <see cref="MeterRecorder"/> over the factory (or over one of its meters) hears that test alone while
/// other tests record on meters of the same name.
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
