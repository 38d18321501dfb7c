using Serverless.Ports.Sessions;

namespace Serverless.Companion.Leadership;

/// <summary>Whether this companion holds the lease, and the lease as last seen; read by /healthz.</summary>
public enum CompanionRole
{
    /// <summary>Waiting for the lease; healthy, nothing active.</summary>
    Standby,

    /// <summary>Holds the lease and runs the gateway, voice consumer and Lavalink connection.</summary>
    Active,

    /// <summary>Lost the lease: the active work was stopped and the process is exiting, to come back as a clean standby.</summary>
    Lost,
}

/// <summary>The leadership as the rest of the companion sees it; written only by <see cref="CompanionLeadership"/>.</summary>
public sealed class CompanionLeadershipState(CompanionInstance instance)
{
    private volatile Snapshot _current = new(CompanionRole.Standby, null);

    public string Instance => instance.Id;

    public CompanionRole Role => _current.Role;

    /// <summary>The lease as last read or written, whoever holds it; null when none was seen.</summary>
    public CompanionLease? Lease => _current.Lease;

    internal void Set(CompanionRole role, CompanionLease? lease) => _current = new Snapshot(role, lease);

    private sealed record Snapshot(CompanionRole Role, CompanionLease? Lease);
}
