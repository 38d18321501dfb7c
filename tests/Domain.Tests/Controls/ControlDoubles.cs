using Serverless.Domain.Controls;

namespace Serverless.Domain.Tests.Controls;

/// <summary>A control store whose snapshot, failure and slowness a test sets; only loading is used by the read side.</summary>
internal sealed class ScriptedControlStore : IOperatorControlStore
{
    public OperatorControlSnapshot Snapshot { get; set; } = OperatorControlSnapshot.Empty;

    public Exception? Throw { get; set; }

    /// <summary>When set, loads wait for it.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public int Loads { get; private set; }

    public async Task<OperatorControlSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        Loads++;
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return Throw is not null ? throw Throw : Snapshot;
    }

    public Task SetSwitchAsync(KillSwitch killSwitch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> RemoveSwitchAsync(ControlTarget target, ulong? guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task BlockGuildAsync(GuildBlock block, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> UnblockGuildAsync(ulong guildId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task SetLimitOverrideAsync(LimitOverride limitOverride, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> RemoveLimitOverridesAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task AppendAuditAsync(ControlAuditEntry entry, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<ControlAuditEntry>> ListAuditAsync(DateTimeOffset? since, int max, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>Token buckets in memory, with the same arithmetic as the table store; records every take.</summary>
internal sealed class MemoryLimitStore : ICommandLimitStore
{
    private readonly Dictionary<(LimitSubject, string), (double Tokens, DateTimeOffset At)> _buckets = [];

    public List<(LimitSubject Subject, string Bucket, LimitPolicy Policy)> Takes { get; } = [];

    public ValueTask<LimitDecision> TryTakeAsync(LimitSubject subject, string bucket, LimitPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Takes.Add((subject, bucket, policy));
        var found = _buckets.TryGetValue((subject, bucket), out var state);
        var tokens = TokenBucket.Refill(policy, state.Tokens, found ? state.At : null, now);
        var (decision, left) = TokenBucket.Take(policy, tokens, now);
        _buckets[(subject, bucket)] = (left, now);
        return ValueTask.FromResult(decision);
    }

    public Task<int> ResetAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<LimitBucketState>> ReadAsync(LimitSubject subject, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>Controls served as set, no cache in between.</summary>
internal sealed class FixedControls : IOperatorControls
{
    public OperatorControlSnapshot Snapshot { get; set; } = OperatorControlSnapshot.Empty;

    public ValueTask<OperatorControlSnapshot> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Snapshot);
}

internal sealed class ForwardingLogger<T>(Microsoft.Extensions.Logging.ILogger inner) : Microsoft.Extensions.Logging.ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
