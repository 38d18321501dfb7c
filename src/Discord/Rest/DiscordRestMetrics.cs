using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Rest;

/// <summary>
/// The instruments of meter <see cref="TelemetryNames.DiscordRest"/> (names are a contract with the alerts and the
/// workbook: see docs/telemetry.md). Recording is skipped unless a listener enabled the instrument, so with no
/// exporter a call costs a flag check.
/// </summary>
internal sealed class DiscordRestMetrics
{
    public const string DurationName = "discord.rest.duration";
    public const string RateLimitedName = "discord.rest.rate_limited";
    public const string RateLimitWaitName = "discord.rest.rate_limit_wait";
    public const string InvalidRequestsName = "discord.rest.invalid_requests";
    public const string CircuitStateName = "discord.rest.circuit_state";

    /// <summary>The status dimension of a call that got no answer (network failure, timeout, refused before sending).</summary>
    public const string ErrorStatus = "error";

    private static readonly string[] StatusTexts = [.. Enumerable.Range(0, 600).Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _rateLimitWait;

    public DiscordRestMetrics(IMeterFactory meterFactory, InvalidRequestBudget budget, DiscordResiliencePipeline resilience)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(resilience);
        Meter = meterFactory.Create(TelemetryNames.DiscordRest);
        _duration = Meter.CreateHistogram<double>(DurationName, "ms", "Time of a Discord REST call, retries and rate-limit waits included, by method, route template and final status.");
        _rateLimited = Meter.CreateCounter<long>(RateLimitedName, "{response}", "429 answers from Discord by scope (user, global, shared) and route template.");
        _rateLimitWait = Meter.CreateHistogram<double>(RateLimitWaitName, "ms", "Each wait the rate limiter imposed on a call before sending it, by route template.");
        Meter.CreateObservableGauge(InvalidRequestsName, () => budget.Count, "{request}", "Invalid requests (401, 403, non-shared 429) counted in the current window; Discord bans at 10,000 per 10 minutes.");
        Meter.CreateObservableGauge(CircuitStateName, () => CircuitValue(resilience.CircuitState.CircuitState), null, "The Discord circuit breaker: 0 closed, 1 half-open, 2 open.");
    }

    /// <summary>The meter the instruments belong to (tests listen to this instance only).</summary>
    public Meter Meter { get; }

    public bool DurationEnabled => _duration.Enabled;

    public void RecordDuration(string method, string route, int? status, TimeSpan elapsed)
    {
        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalMilliseconds, new TagList
            {
                { "method", method },
                { "route", route },
                { "status", status is { } code and >= 0 and < 600 ? StatusTexts[code] : ErrorStatus },
            });
        }
    }

    public void RecordRateLimited(string scope, string route)
    {
        if (_rateLimited.Enabled)
        {
            _rateLimited.Add(1, new KeyValuePair<string, object?>("scope", scope), new KeyValuePair<string, object?>("route", route));
        }
    }

    public void RecordRateLimitWait(string route, TimeSpan waited)
    {
        if (_rateLimitWait.Enabled)
        {
            _rateLimitWait.Record(waited.TotalMilliseconds, new KeyValuePair<string, object?>("route", route));
        }
    }

    /// <summary>0 closed, 1 half-open, 2 open; an isolated (manually opened) circuit counts as open.</summary>
    internal static int CircuitValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };
}
