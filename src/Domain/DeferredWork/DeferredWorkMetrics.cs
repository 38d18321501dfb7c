using System.Diagnostics.Metrics;
using Serverless.Domain.Telemetry;

namespace Serverless.Domain.DeferredWork;

/// <summary>
/// The deferred-work instruments of meter <see cref="TelemetryNames.Queues"/>: how long a run took and how it ended
/// (<c>bot.deferred_work.duration</c>), and how old its interaction was when it started (<c>bot.deferred_work.age</c>),
/// by queue and command. No guild or user in the dimensions: their number has no bound.
/// </summary>
public sealed class DeferredWorkMetrics
{
    public const string DurationName = "bot.deferred_work.duration";
    public const string AgeName = "bot.deferred_work.age";

    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _age;

    public DeferredWorkMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TelemetryNames.Queues);
        _duration = meter.CreateHistogram<double>(DurationName, "ms", "Time to run one message of deferred work, by queue, command and outcome.");
        _age = meter.CreateHistogram<double>(AgeName, "ms", "Age of the interaction when its deferred work starts, by queue and command.");
    }

    public void RecordDuration(string queue, string command, DeferredWorkResult outcome, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(
                elapsed.TotalMilliseconds,
                new KeyValuePair<string, object?>("queue", queue),
                new KeyValuePair<string, object?>("command", command),
                new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));
        }
    }

    public void RecordAge(string queue, string command, TimeSpan age)
    {
        if (_age.Enabled)
        {
            _age.Record(
                Math.Max(0, age.TotalMilliseconds),
                new KeyValuePair<string, object?>("queue", queue),
                new KeyValuePair<string, object?>("command", command));
        }
    }

    /// <summary>The <c>outcome</c> dimension's value: completed, skipped, retry or poison.</summary>
    public static string OutcomeName(DeferredWorkResult result) => result switch
    {
        DeferredWorkResult.Completed => "completed",
        DeferredWorkResult.Skipped => "skipped",
        DeferredWorkResult.Retry => "retry",
        _ => "poison",
    };
}
