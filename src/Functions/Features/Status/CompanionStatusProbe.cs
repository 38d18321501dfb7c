using Microsoft.Extensions.Options;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Features.Status;

/// <summary>Reads the companion's last heartbeat from storage and judges it against the stale threshold.</summary>
public sealed partial class CompanionStatusProbe(
    ICompanionHeartbeatStore heartbeats,
    IOptions<CompanionStatusOptions> options,
    TimeProvider timeProvider,
    ILogger<CompanionStatusProbe> logger) : ICompanionStatusProbe
{
    /// <summary>A status answer must come back while the user still waits for it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<CompanionStatus> CheckAsync(CancellationToken cancellationToken)
    {
        CompanionHeartbeat? heartbeat;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            heartbeat = await heartbeats.ReadAsync(linked.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Storage trouble: the storage entry reports it; here it only means nothing is known of the companion.
            Log.HeartbeatUnreadable(logger, exception);
            return CompanionStatus.Unreadable("could not read the companion heartbeat");
        }

        return CompanionStatus.Evaluate(heartbeat, timeProvider.GetUtcNow(), options.Value.HeartbeatStaleAfter);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not read the companion heartbeat")]
        public static partial void HeartbeatUnreadable(ILogger logger, Exception exception);
    }
}
