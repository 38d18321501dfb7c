using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Domain.Controls;

/// <summary>
/// The operator controls as this instance serves them: the last snapshot loaded from <see cref="IOperatorControlStore"/>,
/// reloaded when it is older than <see cref="ControlsOptions.RefreshInterval"/>. One caller reloads at a time, waiting
/// at most <see cref="ControlsOptions.LoadTimeout"/>; every other caller gets the current snapshot at once. Only the
/// very first load is waited on by all (then, on failure or timeout, no controls are served until the next reload).
/// A failed reload keeps the last snapshot in force and logs a warning.
/// </summary>
public sealed partial class OperatorControlCache(
    IOperatorControlStore store,
    IOptions<ControlsOptions> options,
    TimeProvider timeProvider,
    ILogger<OperatorControlCache> logger) : IOperatorControls
{
    private readonly TimeSpan _refreshInterval = options.Value.RefreshInterval;
    private readonly TimeSpan _loadTimeout = options.Value.LoadTimeout;
    private readonly Lock _firstLoadLock = new();
    private Cached? _current;
    private Task<Cached>? _firstLoad;
    private int _reloading;

    public async ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is null)
        {
            return (await FirstLoadAsync().WaitAsync(cancellationToken)).Snapshot;
        }

        if (timeProvider.GetElapsedTime(current.LoadedAt) < _refreshInterval || Interlocked.CompareExchange(ref _reloading, 1, 0) != 0)
        {
            return current.Snapshot;
        }

        try
        {
            var reloaded = await LoadAsync(current, cancellationToken);
            Volatile.Write(ref _current, reloaded);
            return reloaded.Snapshot;
        }
        finally
        {
            Volatile.Write(ref _reloading, 0);
        }
    }

    private Task<Cached> FirstLoadAsync()
    {
        lock (_firstLoadLock)
        {
            return _firstLoad ??= LoadFirstAsync();
        }
    }

    private async Task<Cached> LoadFirstAsync()
    {
        // Not the caller's token: the first load is shared, and one caller giving up must not fail the others.
        var loaded = await LoadAsync(previous: null, CancellationToken.None);
        Volatile.Write(ref _current, loaded);
        return loaded;
    }

    /// <summary>The store's snapshot, or <paramref name="previous"/> (none at first) when the store failed or was too slow.</summary>
    private async Task<Cached> LoadAsync(Cached? previous, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(_loadTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var snapshot = await store.LoadAsync(linked.Token).WaitAsync(_loadTimeout, timeProvider, linked.Token);
            Log.Loaded(logger, snapshot.Switches.Count, snapshot.Blocks.Count, snapshot.LimitOverrides.Count);
            return new Cached(snapshot, started);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            if (previous is null)
            {
                Log.FirstLoadFailed(logger, exception, _loadTimeout.TotalMilliseconds);
                return new Cached(OperatorControlSnapshot.Empty, started);
            }

            Log.ReloadFailed(logger, exception, timeProvider.GetElapsedTime(previous.LoadedAt).TotalSeconds);

            // Tried again after another interval, not on the next interaction: a store that is down is not hammered.
            return previous with { LoadedAt = started };
        }
    }

    private sealed record Cached(OperatorControlSnapshot Snapshot, long LoadedAt);

    // Ids 2401–2409 are the operator controls' (cache and gate), in every process that serves interactions or queued work.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Debug, Message = "Operator controls loaded: {Switches} switches, {Blocks} guild blocks, {Overrides} limit overrides")]
        public static partial void Loaded(ILogger logger, int switches, int blocks, int overrides);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Could not reload the operator controls; the ones loaded {AgeSeconds:0} s ago stay in force")]
        public static partial void ReloadFailed(ILogger logger, Exception exception, double ageSeconds);

        [LoggerMessage(EventId = 2403, Level = LogLevel.Error, Message = "Could not load the operator controls within {TimeoutMs:0} ms; serving none until the next reload")]
        public static partial void FirstLoadFailed(ILogger logger, Exception exception, double timeoutMs);
    }
}
