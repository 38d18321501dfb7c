using Microsoft.Extensions.Hosting;
using Serverless.Ports.Sessions;

namespace Serverless.Companion.Tests.Leadership;

/// <summary>The table store's rules in memory (insert if free, replace when expired or own, holder-only renew and release), with failures on demand.</summary>
internal sealed class InMemoryCompanionLeaseStore : ICompanionLeaseStore
{
    private readonly Lock _lock = new();
    private CompanionLease? _lease;

    public bool FailRenewals { get; set; }

    public CompanionLease? Current
    {
        get
        {
            lock (_lock)
            {
                return _lease;
            }
        }
    }

    /// <summary>Another companion writes the row (as after this one's lease expired and was taken over).</summary>
    public void Put(CompanionLease lease)
    {
        lock (_lock)
        {
            _lease = lease;
        }
    }

    public Task<CompanionLease?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Current);

    public Task<CompanionLease?> TryAcquireAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_lease is { } held && held.Holder != holder && !held.IsExpired(now))
            {
                return Task.FromResult<CompanionLease?>(null);
            }

            _lease = new CompanionLease(holder, _lease is { } own && own.Holder == holder && !own.IsExpired(now) ? own.AcquiredAt : now, now + duration);
            return Task.FromResult<CompanionLease?>(_lease);
        }
    }

    public Task<CompanionLease?> TryRenewAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (FailRenewals)
        {
            throw new InvalidOperationException("storage unreachable");
        }

        lock (_lock)
        {
            if (_lease?.Holder != holder)
            {
                return Task.FromResult<CompanionLease?>(null);
            }

            _lease = _lease with { ExpiresAt = now + duration };
            return Task.FromResult<CompanionLease?>(_lease);
        }
    }

    public Task<bool> ReleaseAsync(string holder, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_lease?.Holder != holder)
            {
                return Task.FromResult(false);
            }

            _lease = null;
            return Task.FromResult(true);
        }
    }
}

/// <summary>An active service that records when it was started and stopped.</summary>
internal sealed class RecordingService(TimeProvider time, List<string> events, Func<CompanionLease?> lease) : IHostedService
{
    /// <summary>The lease as stored when the service was stopped.</summary>
    public CompanionLease? LeaseAtStop { get; private set; }

    public bool IsRunning { get; private set; }

    public DateTimeOffset? StoppedAt { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        IsRunning = true;
        events.Add("start");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        IsRunning = false;
        StoppedAt = time.GetUtcNow();
        LeaseAtStop = lease();
        events.Add("stop");
        return Task.CompletedTask;
    }
}

internal sealed class RecordingLifetime : IHostApplicationLifetime
{
    public bool StopRequested { get; private set; }

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => CancellationToken.None;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public void StopApplication() => StopRequested = true;
}
