namespace Serverless.Ports.Sessions;

/// <summary>Who holds the one-companion lease, since when, and until when (on the holder's clock).</summary>
public sealed record CompanionLease(string Holder, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;
}

/// <summary>
/// The lease that lets exactly one companion hold the gateway session and consume <c>voice</c>. Every write is guarded
/// by the row's ETag, so of two companions racing for it exactly one wins.
/// </summary>
public interface ICompanionLeaseStore
{
    /// <summary>The lease as stored, or null when nobody holds it.</summary>
    Task<CompanionLease?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease when nobody holds it or it expired before <paramref name="now"/> (or extends it when
    /// <paramref name="holder"/> holds it already); null when another holds it or won the race.
    /// </summary>
    Task<CompanionLease?> TryAcquireAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends the lease to <paramref name="now"/> + <paramref name="duration"/>; null when <paramref name="holder"/> no longer holds it.</summary>
    Task<CompanionLease?> TryRenewAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up so a standby takes over at its next poll; false when <paramref name="holder"/> did not hold it.</summary>
    Task<bool> ReleaseAsync(string holder, CancellationToken cancellationToken);
}
