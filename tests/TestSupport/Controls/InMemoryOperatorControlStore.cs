using Serverless.Domain.Controls;

namespace Serverless.TestSupport.Controls;

/// <summary>
/// <see cref="IOperatorControlStore"/> in memory, with the table store's semantics: replace on the same key, remove
/// reports whether anything was there, the audit lists newest first. <see cref="Audit"/> and the snapshot let tests
/// look inside; <see cref="FailWith"/> makes every call throw (a store that cannot be reached).
/// </summary>
public sealed class InMemoryOperatorControlStore : IOperatorControlStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(ControlTarget Target, ulong? GuildId), KillSwitch> _switches = [];
    private readonly Dictionary<ulong, GuildBlock> _blocks = [];
    private readonly Dictionary<(LimitSubject Subject, string Bucket), LimitOverride> _overrides = [];
    private readonly List<ControlAuditEntry> _audit = [];

    /// <summary>When set, every call throws it.</summary>
    public Exception? FailWith { get; set; }

    /// <summary>How many times <see cref="LoadAsync"/> ran.</summary>
    public int Loads { get; private set; }

    /// <summary>Every audit entry in the order appended.</summary>
    public IReadOnlyList<ControlAuditEntry> Audit
    {
        get
        {
            lock (_gate)
            {
                return [.. _audit];
            }
        }
    }

    public Task<OperatorControlSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailing();
            Loads++;
            return Task.FromResult(new OperatorControlSnapshot([.. _switches.Values], [.. _blocks.Values], [.. _overrides.Values]));
        }
    }

    public Task SetSwitchAsync(KillSwitch killSwitch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(killSwitch);
        lock (_gate)
        {
            ThrowIfFailing();
            _switches[(killSwitch.Target, killSwitch.GuildId)] = killSwitch;
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveSwitchAsync(ControlTarget target, ulong? guildId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailing();
            return Task.FromResult(_switches.Remove((target, guildId)));
        }
    }

    public Task BlockGuildAsync(GuildBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_gate)
        {
            ThrowIfFailing();
            _blocks[block.GuildId] = block;
        }

        return Task.CompletedTask;
    }

    public Task<bool> UnblockGuildAsync(ulong guildId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailing();
            return Task.FromResult(_blocks.Remove(guildId));
        }
    }

    public Task SetLimitOverrideAsync(LimitOverride limitOverride, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limitOverride);
        lock (_gate)
        {
            ThrowIfFailing();
            _overrides[(limitOverride.Subject, limitOverride.Bucket)] = limitOverride;
        }

        return Task.CompletedTask;
    }

    public Task<int> RemoveLimitOverridesAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailing();
            var keys = _overrides.Keys.Where(key => key.Subject == subject && (bucket is null || string.Equals(key.Bucket, bucket, StringComparison.Ordinal))).ToList();
            foreach (var key in keys)
            {
                _overrides.Remove(key);
            }

            return Task.FromResult(keys.Count);
        }
    }

    public Task AppendAuditAsync(ControlAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            ThrowIfFailing();
            _audit.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ControlAuditEntry>> ListAuditAsync(DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ThrowIfFailing();
            IReadOnlyList<ControlAuditEntry> entries = max <= 0
                ? []
                : [.. _audit
                    .Select((entry, index) => (entry, index))
                    .Where(item => since is null || item.entry.At >= since)
                    .OrderByDescending(item => item.entry.At)
                    .ThenByDescending(item => item.index)
                    .Take(max)
                    .Select(item => item.entry)];
            return Task.FromResult(entries);
        }
    }

    private void ThrowIfFailing()
    {
        if (FailWith is { } failure)
        {
            throw failure;
        }
    }
}
