using System.Collections.Concurrent;
using Serverless.Ports.Sessions;

namespace Serverless.TestSupport;

/// <summary>Gateway sessions in a dictionary, counting writes so tests can check the save throttle.</summary>
public sealed class InMemoryGatewaySessionStore : IGatewaySessionStore
{
    private readonly ConcurrentDictionary<int, GatewaySession> _sessions = new();
    private int _saves;
    private int _clears;

    public int SaveCount => Volatile.Read(ref _saves);

    public int ClearCount => Volatile.Read(ref _clears);

    public GatewaySession? this[int shardId] => _sessions.TryGetValue(shardId, out var session) ? session : null;

    public Task<GatewaySession?> LoadAsync(int shardId, int shardCount, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue(shardId, out var session) && session.ShardCount == shardCount ? session : null);

    public Task SaveAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.ShardId] = session;
        Interlocked.Increment(ref _saves);
        return Task.CompletedTask;
    }

    public Task ClearAsync(int shardId, CancellationToken cancellationToken)
    {
        _sessions.TryRemove(shardId, out _);
        Interlocked.Increment(ref _clears);
        return Task.CompletedTask;
    }
}
