using System.Diagnostics;
using System.Diagnostics.Metrics;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Telemetry;

namespace Serverless.Companion.Lavalink;

/// <summary>How many players are playing right now (a track, not paused), as the companion's music state knows it.</summary>
public interface IPlayingPlayerCount
{
    int PlayingPlayers { get; }
}

/// <summary>
/// The instruments of meter <see cref="TelemetryNames.Lavalink"/> (names are a contract with the alerts, the workbook
/// and docs/telemetry.md). With no listener the instruments are disabled and recording costs nothing.
/// </summary>
public sealed class LavalinkMetrics
{
    public const string NodeStateName = "lavalink.node_state";
    public const string PlayersName = "lavalink.players";
    public const string TrackExceptionsName = "lavalink.track_exceptions";
    public const string RestDurationName = "lavalink.rest.duration";

    private readonly Histogram<double> _restDuration;
    private readonly Counter<long> _trackExceptions;
    private readonly IPlayingPlayerCount? _players;
    private Func<string>? _nodeState;

    /// <param name="players">The music state's count; without music the players gauge reports nothing.</param>
    public LavalinkMetrics(IMeterFactory meterFactory, IPlayingPlayerCount? players = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _players = players;
        Meter = meterFactory.Create(TelemetryNames.Lavalink);
        _restDuration = Meter.CreateHistogram<double>(RestDurationName, "ms", "Lavalink REST calls: time to the response (or the failure), by method, route template and status.");
        _trackExceptions = Meter.CreateCounter<long>(TrackExceptionsName, "{exception}", "TrackExceptionEvents from Lavalink, by severity.");
        Meter.CreateObservableGauge(NodeStateName, ObserveNodeState, unit: null, "The Lavalink node: 0 down, 1 connecting, 2 ready. Nothing while Lavalink is not configured.");
        Meter.CreateObservableGauge(PlayersName, ObservePlayers, "{player}", "Players playing a track (not paused).");
    }

    /// <summary>The meter these instruments belong to (tests scope their listener to it).</summary>
    public Meter Meter { get; }

    /// <summary>The gauge's value for a <see cref="LavalinkStates"/> word; null for <c>not-configured</c> (no node to watch).</summary>
    public static int? NodeStateValue(string state) => state switch
    {
        LavalinkStates.Ok => 2,
        LavalinkStates.Connecting => 1,
        LavalinkStates.NotConfigured => null,
        _ => 0,
    };

    /// <summary>Where <see cref="NodeStateName"/> reads the node's state (the <see cref="LavalinkClient"/>; set once it exists).</summary>
    internal void ObserveNodeState(Func<string> state) => _nodeState = state;

    /// <summary>Records one REST call: <paramref name="status"/> is the HTTP status code, or null when none came back.</summary>
    internal void RecordRestCall(LavalinkRoute route, int? status, TimeSpan elapsed)
    {
        if (!_restDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "method", route.Method.Method },
            { "route", route.Template },
            { "status", status is { } code ? StatusText(code) : "error" },
        };
        _restDuration.Record(elapsed.TotalMilliseconds, tags);
    }

    internal void RecordTrackException(string? severity)
    {
        if (_trackExceptions.Enabled)
        {
            _trackExceptions.Add(1, new KeyValuePair<string, object?>("severity", Severity(severity)));
        }
    }

    // Lavalink's three severities; anything else is folded so a bad frame cannot grow the dimension.
    private static string Severity(string? severity) => severity?.ToUpperInvariant() switch
    {
        "COMMON" => "common",
        "SUSPICIOUS" => "suspicious",
        "FAULT" => "fault",
        _ => "unknown",
    };

    // Constant strings for the usual codes: recording formats nothing for them.
    internal static string StatusText(int code) => code switch
    {
        200 => "200",
        204 => "204",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private IEnumerable<Measurement<int>> ObserveNodeState()
    {
        if (_nodeState?.Invoke() is { } state && NodeStateValue(state) is { } value)
        {
            return [new Measurement<int>(value)];
        }

        return [];
    }

    private IEnumerable<Measurement<int>> ObservePlayers() =>
        _players is null ? [] : [new Measurement<int>(_players.PlayingPlayers)];
}
