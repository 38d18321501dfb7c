using Microsoft.Extensions.Options;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Features.Health;

/// <summary>One probe of every dependency, as the health routes report it.</summary>
public sealed record HealthSnapshot(StorageStatus Storage, DiscordStatus Discord, CompanionStatus Companion);

/// <summary>
/// The health routes' probes, run at most once per <see cref="HealthOptions.ProbeCacheDuration"/> on this instance:
/// concurrent callers share the probe in flight, later ones the finished snapshot. One entry, so memory is bounded.
/// A caller that gives up stops waiting but does not cancel the probe others wait for; a probe that throws is not kept.
/// </summary>
public sealed partial class HealthProbeCache(
    IStorageStatusProbe storage,
    IDiscordStatusProbe discord,
    ICompanionStatusProbe companion,
    IOptions<HealthOptions> options,
    TimeProvider timeProvider,
    ILogger<HealthProbeCache> logger)
{
    /// <summary>Backstop for the whole probe: the storage and companion probes stop at 5 s, a Discord call may wait for its rate limit.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly Lock _lock = new();
    private Task<(HealthSnapshot Snapshot, long TakenAt)>? _current;

    public async Task<HealthSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        Task<(HealthSnapshot Snapshot, long TakenAt)> probe;
        lock (_lock)
        {
            if (_current is null || _current.IsFaulted || _current.IsCanceled
                || (_current.IsCompletedSuccessfully && timeProvider.GetElapsedTime(_current.Result.TakenAt) >= options.Value.ProbeCacheDuration))
            {
                // Started outside the caller's flow, so the probes' synchronous parts do not run under the lock.
                _current = Task.Run(ProbeAsync, CancellationToken.None);
            }

            probe = _current;
        }

        return (await probe.WaitAsync(cancellationToken)).Snapshot;
    }

    private async Task<(HealthSnapshot Snapshot, long TakenAt)> ProbeAsync()
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout, timeProvider);
        var storageCheck = storage.CheckAsync(timeout.Token);
        var discordCheck = discord.CheckAsync(timeout.Token);
        var companionCheck = companion.CheckAsync(timeout.Token);
        try
        {
            await Task.WhenAll(storageCheck, discordCheck, companionCheck);
            return (new HealthSnapshot(storageCheck.Result, discordCheck.Result, companionCheck.Result), timeProvider.GetTimestamp());
        }
        catch (Exception exception)
        {
            Log.ProbeFailed(logger, exception);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Health probe failed; the next request probes again")]
        public static partial void ProbeFailed(ILogger logger, Exception exception);
    }
}
