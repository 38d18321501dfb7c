using Microsoft.Extensions.Options;
using Serverless.Ports.Sessions;

namespace Serverless.Companion.Leadership;

/// <summary>
/// Keeps at most one companion active: a standby polls for the lease; the holder starts the <see cref="ActiveWork"/>,
/// renews the lease, and stops the active work at once when the lease is taken by another or cannot be renewed before
/// <see cref="CompanionLeaseOptions.StopMargin"/> ahead of its expiry, so the next holder never overlaps it. On a graceful stop
/// it stops the active work first and then gives the lease up, so a standby takes over at its next poll.
/// </summary>
/// <remarks>
/// A companion that lost the lease does not become a standby in the same process: the gateway's shard registry and the
/// Lavalink client run once per process. It stops its active work, then stops the host, and the container platform
/// restarts it as a clean standby.
/// </remarks>
public sealed partial class CompanionLeadership(
    ICompanionLeaseStore store,
    ActiveWork activeWork,
    CompanionLeadershipState state,
    CompanionInstance instance,
    IOptions<CompanionLeaseOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<CompanionLeadership> logger) : BackgroundService
{
    private readonly CompanionLeaseOptions _options = options.Value;
    private DateTimeOffset _stopBy;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Standby(logger, instance.Id);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = await StepAsync(stoppingToken);
                if (wait == Timeout.InfiniteTimeSpan)
                {
                    return;
                }

                await Task.Delay(wait, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One standby poll or one renewal; returns how long to wait before the next (infinite once the lease is lost).</summary>
    internal Task<TimeSpan> StepAsync(CancellationToken cancellationToken) => state.Role switch
    {
        CompanionRole.Standby => TryTakeOverAsync(cancellationToken),
        CompanionRole.Active => RenewAsync(cancellationToken),
        _ => Task.FromResult(Timeout.InfiniteTimeSpan),
    };

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (state.Role != CompanionRole.Active)
        {
            return;
        }

        // Active work first: the lease guards the gateway session until it is closed.
        await activeWork.StopAsync(cancellationToken);
        try
        {
            if (await store.ReleaseAsync(instance.Id, cancellationToken))
            {
                Log.Released(logger, instance.Id);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The standby then waits for the expiry instead.
            Log.ReleaseFailed(logger, exception);
        }

        state.Set(CompanionRole.Standby, null);
    }

    private async Task<TimeSpan> TryTakeOverAsync(CancellationToken cancellationToken)
    {
        CompanionLease? lease;
        try
        {
            lease = await store.TryAcquireAsync(instance.Id, timeProvider.GetUtcNow(), _options.Duration, cancellationToken);
            if (lease is null)
            {
                state.Set(CompanionRole.Standby, await store.ReadAsync(cancellationToken));
                return _options.PollInterval;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.AcquireFailed(logger, exception);
            return _options.PollInterval;
        }

        _stopBy = lease.ExpiresAt - _options.StopMargin;
        // Set before starting, so a stop that comes while starting still stops the work and releases the lease.
        state.Set(CompanionRole.Active, lease);
        Log.Acquired(logger, instance.Id, lease.ExpiresAt);
        await activeWork.StartAsync(cancellationToken);
        return _options.RenewInterval;
    }

    private async Task<TimeSpan> RenewAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now >= _stopBy)
        {
            return await LoseAsync("the lease could not be renewed before it expires");
        }

        try
        {
            // A renewal that hangs must not outlive the lease.
            using var timeout = new CancellationTokenSource(_stopBy - now, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var renewed = await store.TryRenewAsync(instance.Id, now, _options.Duration, linked.Token);
            if (renewed is null)
            {
                return await LoseAsync("another companion holds the lease");
            }

            _stopBy = renewed.ExpiresAt - _options.StopMargin;
            state.Set(CompanionRole.Active, renewed);
            return _options.RenewInterval;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RenewFailed(logger, exception, _stopBy);
        }

        var left = _stopBy - timeProvider.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return await LoseAsync("the lease could not be renewed before it expires");
        }

        // Try again sooner than usual, still leaving a last chance before the stop.
        return left <= TimeSpan.FromSeconds(1) ? left : TimeSpan.FromTicks(Math.Min(_options.RenewInterval.Ticks, left.Ticks / 2));
    }

    private async Task<TimeSpan> LoseAsync(string reason)
    {
        Log.Lost(logger, instance.Id, reason);
        state.Set(CompanionRole.Lost, state.Lease);
        // Bounded by the margin: the work must be stopped before the lease can pass to another companion.
        using var stopTimeout = new CancellationTokenSource(_options.StopMargin, timeProvider);
        await activeWork.StopAsync(stopTimeout.Token);
        lifetime.StopApplication();
        return Timeout.InfiniteTimeSpan;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Companion {Instance} is on standby until it holds the lease")]
        public static partial void Standby(ILogger logger, string instance);

        [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Companion {Instance} holds the lease (until {ExpiresAt:o}) and becomes active")]
        public static partial void Acquired(ILogger logger, string instance, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "Companion {Instance} lost the lease ({Reason}); its active work is stopped and it exits to restart as a standby")]
        public static partial void Lost(ILogger logger, string instance, string reason);

        [LoggerMessage(EventId = 9104, Level = LogLevel.Information, Message = "Companion {Instance} released the lease")]
        public static partial void Released(ILogger logger, string instance);

        [LoggerMessage(EventId = 9105, Level = LogLevel.Warning, Message = "Could not read or take the companion lease; trying again at the next poll")]
        public static partial void AcquireFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 9106, Level = LogLevel.Warning, Message = "Could not renew the companion lease; the active work stops at {StopBy:o} unless a renewal succeeds first")]
        public static partial void RenewFailed(ILogger logger, Exception exception, DateTimeOffset stopBy);

        [LoggerMessage(EventId = 9107, Level = LogLevel.Warning, Message = "Could not release the companion lease; a standby takes over once it expires")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception);
    }
}
