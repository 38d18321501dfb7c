namespace Serverless.Domain.Controls;

/// <summary>
/// Where the operator controls live (a table shared by every instance and the companion). Writers record the change
/// in the audit first (<see cref="AppendAuditAsync"/>), so no change is ever made without its record.
/// </summary>
public interface IOperatorControlStore
{
    Task<OperatorControlSnapshot> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces the switch of the same target and scope.</summary>
    Task SetSwitchAsync(KillSwitch killSwitch, CancellationToken cancellationToken);

    /// <summary>False when no such switch was set.</summary>
    Task<bool> RemoveSwitchAsync(ControlTarget target, ulong? guildId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the guild's block.</summary>
    Task BlockGuildAsync(GuildBlock block, CancellationToken cancellationToken);

    /// <summary>False when the guild was not blocked.</summary>
    Task<bool> UnblockGuildAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the override of the same subject and bucket.</summary>
    Task SetLimitOverrideAsync(LimitOverride limitOverride, CancellationToken cancellationToken);

    /// <summary>Removes the subject's override of <paramref name="bucket"/>, or all its overrides when null; returns how many.</summary>
    Task<int> RemoveLimitOverridesAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken);

    Task AppendAuditAsync(ControlAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest entries first, at most <paramref name="max"/>, none older than <paramref name="since"/> when given.</summary>
    Task<IReadOnlyList<ControlAuditEntry>> ListAuditAsync(DateTimeOffset? since, int max, CancellationToken cancellationToken);
}

/// <summary>
/// The controls as every instance sees them: a snapshot reloaded from <see cref="IOperatorControlStore"/> often
/// enough that a change reaches every instance within 30 seconds, and served from memory in between.
/// When the store cannot be read the last snapshot stays in force (and the failure is logged).
/// </summary>
public interface IOperatorControls
{
    ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken);
}
