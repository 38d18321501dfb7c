using System.Globalization;
using System.Text;

namespace Serverless.Domain.Features.Status;

/// <summary>
/// What the Functions app can tell of the gateway and Lavalink: only the companion sees them, so this is read from
/// its last <see cref="CompanionHeartbeat"/>. No heartbeat, or one older than the stale threshold, is degraded, not a
/// failure: inline commands and the queue workers do not need the companion.
/// </summary>
public sealed record CompanionStatus
{
    public required DependencyState Gateway { get; init; }

    public required DependencyState Lavalink { get; init; }

    /// <summary>The heartbeat read, or null when none was ever written or it could not be read.</summary>
    public CompanionHeartbeat? Heartbeat { get; init; }

    /// <summary>How long ago the heartbeat was written (never negative), when there is one.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>The heartbeat is older than the threshold: its contents no longer describe the companion.</summary>
    public bool Stale { get; init; }

    /// <summary>Set when the heartbeat could not be read at all.</summary>
    public string? Problem { get; init; }

    /// <summary>Judges a heartbeat read at <paramref name="now"/>; older than <paramref name="staleAfter"/> is stale.</summary>
    public static CompanionStatus Evaluate(CompanionHeartbeat? heartbeat, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (heartbeat is null)
        {
            return new CompanionStatus { Gateway = DependencyState.Degraded, Lavalink = DependencyState.Degraded };
        }

        var age = now - heartbeat.WrittenAt;
        if (age < TimeSpan.Zero)
        {
            // A companion whose clock runs a little ahead is still alive.
            age = TimeSpan.Zero;
        }

        if (age > staleAfter)
        {
            return new CompanionStatus { Gateway = DependencyState.Degraded, Lavalink = DependencyState.Degraded, Heartbeat = heartbeat, Age = age, Stale = true };
        }

        var allReady = heartbeat.Shards.Count > 0 && heartbeat.Shards.All(shard => shard.State == ShardStates.Ready);
        return new CompanionStatus
        {
            Gateway = allReady ? DependencyState.Ok : DependencyState.Degraded,
            Lavalink = heartbeat.Lavalink switch
            {
                LavalinkStates.Ok => DependencyState.Ok,
                LavalinkStates.Unavailable => DependencyState.Unreachable,
                LavalinkStates.NotConfigured => DependencyState.NotConfigured,
                _ => DependencyState.Degraded,
            },
            Heartbeat = heartbeat,
            Age = age,
        };
    }

    /// <summary>The heartbeat could not be read (storage trouble): nothing is known of the companion.</summary>
    public static CompanionStatus Unreadable(string problem) =>
        new() { Gateway = DependencyState.Unreachable, Lavalink = DependencyState.Unreachable, Problem = problem };

    public bool IsOk => Gateway == DependencyState.Ok && Lavalink == DependencyState.Ok;

    /// <summary>
    /// One line for <c>/status</c>: "last heartbeat 12 s ago — gateway: 1/1 shards ready (latency 41 ms); Lavalink 4.2.2 ok;
    /// 2 players", "no companion heartbeat yet" or "stale (last seen 5 min ago)".
    /// </summary>
    public string Describe()
    {
        if (Problem is not null)
        {
            return "unknown — " + Problem;
        }

        if (Heartbeat is null)
        {
            return "no companion heartbeat yet";
        }

        if (Stale)
        {
            return $"stale (last seen {FormatAge(Age!.Value)} ago)";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"last heartbeat {FormatAge(Age!.Value)} ago — gateway: {DescribeGateway()}; {DescribeLavalink()}; ");
        text.Append(Heartbeat.ActivePlayers == 1 ? "1 player" : string.Create(CultureInfo.InvariantCulture, $"{Heartbeat.ActivePlayers} players"));
        return text.ToString();
    }

    /// <summary>"1/1 shards ready (latency 41 ms)", then each shard that is not ready: "shard 1 failed: reason".</summary>
    public string DescribeGateway()
    {
        if (Heartbeat is null || Stale)
        {
            return Describe();
        }

        var shards = Heartbeat.Shards;
        var ready = shards.Count(shard => shard.State == ShardStates.Ready);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{ready}/{shards.Count} shards ready");
        if (LatencyMs is { } latency)
        {
            text.Append(CultureInfo.InvariantCulture, $" (latency {latency:0} ms)");
        }

        foreach (var shard in shards.Where(shard => shard.State != ShardStates.Ready))
        {
            text.Append(CultureInfo.InvariantCulture, $", shard {shard.ShardId} {shard.State}");
            if (shard.Problem is not null)
            {
                text.Append(": ").Append(shard.Problem);
            }
        }

        return text.ToString();
    }

    /// <summary>"Lavalink 4.2.2 ok", "Lavalink unavailable", "Lavalink not configured".</summary>
    public string DescribeLavalink()
    {
        if (Heartbeat is null || Stale)
        {
            return Describe();
        }

        var state = Heartbeat.Lavalink == LavalinkStates.NotConfigured ? "not configured" : Heartbeat.Lavalink;
        return Heartbeat.LavalinkVersion is { Length: > 0 } version ? $"Lavalink {version} {state}" : $"Lavalink {state}";
    }

    /// <summary>The mean heartbeat round trip of the shards that report one, or null when none does.</summary>
    public double? LatencyMs
    {
        get
        {
            var latencies = Heartbeat?.Shards.Where(shard => shard.LatencyMs is not null).Select(shard => shard.LatencyMs!.Value).ToList();
            return latencies is { Count: > 0 } ? Math.Round(latencies.Average(), 1) : null;
        }
    }

    /// <summary>"12 s" under two minutes, "5 min" under two hours, then "3 h".</summary>
    public static string FormatAge(TimeSpan age) => age switch
    {
        _ when age < TimeSpan.FromMinutes(2) => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds} s"),
        _ when age < TimeSpan.FromHours(2) => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h"),
    };
}

/// <summary>Reads the companion's heartbeat and judges it.</summary>
public interface ICompanionStatusProbe
{
    Task<CompanionStatus> CheckAsync(CancellationToken cancellationToken);
}
