using System.Diagnostics.Metrics;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Interactions;

/// <summary>What the endpoint did with an interaction: the <c>outcome</c> dimension of <c>bot.interaction.duration</c>.</summary>
public enum InteractionOutcome
{
    /// <summary>Answered in the response itself (a reply, a PONG, no choices, "no longer in use").</summary>
    Answered,

    /// <summary>Queued and acknowledged ("thinking…" or a deferred update).</summary>
    Deferred,

    /// <summary>Refused before any command ran: bad signature, too large, not an interaction.</summary>
    Refused,

    /// <summary>The bot could not do what was asked: the work could not be queued (503).</summary>
    Failed,
}

/// <summary>
/// The endpoint's instrument of meter <see cref="TelemetryNames.Interactions"/>: <c>bot.interaction.duration</c>, the
/// time from the request being read to the response being ready, by command, interaction type and outcome. Discord
/// gives up after 3 seconds, so this is the latency users feel first.
/// </summary>
public sealed class InteractionMetrics
{
    public const string DurationName = "bot.interaction.duration";

    private readonly Histogram<double> _duration;

    public InteractionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _duration = meterFactory.Create(TelemetryNames.Interactions)
            .CreateHistogram<double>(DurationName, "ms", "Time from an interaction request read to its response written, by command, type and outcome.");
    }

    public bool Enabled => _duration.Enabled;

    /// <param name="type">ping, command, component, modal or autocomplete (<see cref="InteractionProcessor.TypeName"/>).</param>
    public void RecordDuration(string command, string type, InteractionOutcome outcome, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(
                elapsed.TotalMilliseconds,
                new KeyValuePair<string, object?>("command", command),
                new KeyValuePair<string, object?>("type", type),
                new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));
        }
    }

    public static string OutcomeName(InteractionOutcome outcome) => outcome switch
    {
        InteractionOutcome.Answered => "answered",
        InteractionOutcome.Deferred => "deferred",
        InteractionOutcome.Refused => "refused",
        _ => "failed",
    };
}
