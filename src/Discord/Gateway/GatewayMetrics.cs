using System.Diagnostics.Metrics;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Gateway;

/// <summary>
/// The instruments of meter <see cref="TelemetryNames.DiscordGateway"/> (names are a contract with the alerts and the
/// workbook: see docs/telemetry.md). Shard states and the identify budget are read when the exporter collects, from the
/// <see cref="GatewayShardRegistry"/> and the limiter the <see cref="GatewayShardManager"/> attaches; the shards count
/// identifies, resumes and heartbeat round trips as they happen.
/// </summary>
public sealed class GatewayMetrics
{
    public const string ShardStateName = "discord.gateway.shard_state";
    public const string LatencyName = "discord.gateway.latency";
    public const string ResumesName = "discord.gateway.resumes";
    public const string IdentifiesName = "discord.gateway.identifies";
    public const string IdentifiesRemainingName = "discord.gateway.identifies_remaining";

    private readonly Histogram<double> _latency;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _identifies;
    private volatile GatewayIdentifyLimiter? _identifyLimiter;

    public GatewayMetrics(IMeterFactory meterFactory, GatewayShardRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(registry);
        Meter = meterFactory.Create(TelemetryNames.DiscordGateway);
        Meter.CreateObservableGauge(ShardStateName, () => ShardStates(registry), null, "Each shard's state: 0 stopped, 1 connecting, 2 ready, 3 resuming.");
        _latency = Meter.CreateHistogram<double>(LatencyName, "ms", "Heartbeat to heartbeat ACK round trip, per shard.");
        _resumes = Meter.CreateCounter<long>(ResumesName, "{resume}", "Resumes sent (op 6), per shard.");
        _identifies = Meter.CreateCounter<long>(IdentifiesName, "{identify}", "Identifies sent (op 2), per shard: each spends one of the daily session starts.");
        Meter.CreateObservableGauge(IdentifiesRemainingName, IdentifiesRemaining, "{identify}", "Session starts left in the daily budget (session_start_limit.remaining), counting ours down.");
    }

    /// <summary>The meter the instruments belong to (tests listen to this instance only).</summary>
    public System.Diagnostics.Metrics.Meter Meter { get; }

    /// <summary>Maps a shard's state to the gauge's value: anything not on its way to ready (or ready) is stopped.</summary>
    public static int StateValue(GatewayShardState state) => state switch
    {
        GatewayShardState.Connecting or GatewayShardState.Identifying => 1,
        GatewayShardState.Ready => 2,
        GatewayShardState.Resuming => 3,
        _ => 0,
    };

    /// <summary>The budget <c>GET /gateway/bot</c> gave; the remaining-identifies gauge reports nothing before.</summary>
    internal void Attach(GatewayIdentifyLimiter limiter) => _identifyLimiter = limiter;

    internal void RecordLatency(int shardId, TimeSpan latency)
    {
        if (_latency.Enabled)
        {
            _latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("shard", shardId));
        }
    }

    internal void RecordResume(int shardId)
    {
        if (_resumes.Enabled)
        {
            _resumes.Add(1, new KeyValuePair<string, object?>("shard", shardId));
        }
    }

    internal void RecordIdentify(int shardId)
    {
        if (_identifies.Enabled)
        {
            _identifies.Add(1, new KeyValuePair<string, object?>("shard", shardId));
        }
    }

    private static IEnumerable<Measurement<int>> ShardStates(GatewayShardRegistry registry)
    {
        foreach (var shard in registry.Shards)
        {
            yield return new Measurement<int>(StateValue(shard.State), new KeyValuePair<string, object?>("shard", shard.ShardId));
        }
    }

    private IEnumerable<Measurement<int>> IdentifiesRemaining()
    {
        if (_identifyLimiter is { } limiter)
        {
            yield return new Measurement<int>(limiter.Remaining);
        }
    }
}
