using Microsoft.Extensions.Options;
using Serverless.Companion.Leadership;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Health;

/// <summary>
/// Writes the companion's heartbeat row every interval, and once more on shutdown with every shard marked
/// disconnected, so <c>/status</c> in the Functions app tells "stopped" from "crashed" (a crash leaves the row to go stale).
/// Runs only on the companion that holds the lease, so the row names the active instance.
/// </summary>
public sealed partial class HeartbeatWriter(
    ICompanionHealthSource status,
    ICompanionHeartbeatStore store,
    IOptions<HeartbeatOptions> options,
    CompanionInstance instance,
    TimeProvider timeProvider,
    ILogger<HeartbeatWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await WriteAsync(status.Current(), stoppingToken);
            try
            {
                await Task.Delay(options.Value.Interval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var current = status.Current();
        var stopped = current with
        {
            Shards = [.. current.Shards.Select(shard => shard with { State = ShardStates.Disconnected, Problem = "companion stopped" })],
        };
        await WriteAsync(stopped, cancellationToken);
    }

    internal async Task WriteAsync(CompanionHealthSnapshot current, CancellationToken cancellationToken)
    {
        try
        {
            await store.WriteAsync(
                new CompanionHeartbeat
                {
                    WrittenAt = timeProvider.GetUtcNow(),
                    Instance = instance.Id,
                    Shards = current.Shards,
                    Lavalink = current.Lavalink,
                    LavalinkVersion = current.LavalinkVersion,
                    ActivePlayers = current.ActivePlayers,
                },
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A missed heartbeat only makes /status say "stale"; the next one may get through.
            Log.WriteFailed(logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "Writing the companion heartbeat failed")]
        public static partial void WriteFailed(ILogger logger, Exception exception);
    }
}
