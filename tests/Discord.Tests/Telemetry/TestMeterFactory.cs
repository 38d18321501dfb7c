using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Serverless.Discord.Tests.Telemetry;

/// <summary>A meter factory of a test's own: its meters are new instances, so a listener scoped to them hears that test alone.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentBag<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
