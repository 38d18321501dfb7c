using Serverless.Domain.Controls;

namespace Serverless.TestSupport.Controls;

/// <summary>The command limits' buckets in memory, with the table store's arithmetic (<see cref="TokenBucket"/>); thread-safe.</summary>
public sealed class InMemoryCommandLimitStore : ICommandLimitStore
{
    private readonly Dictionary<(LimitSubject Subject, string Bucket), (double Tokens, DateTimeOffset UpdatedAt)> _buckets = [];

    public ValueTask<LimitDecision> TryTakeAsync(LimitSubject subject, string bucket, LimitPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_buckets)
        {
            var found = _buckets.TryGetValue((subject, bucket), out var state);
            var (decision, left) = TokenBucket.Take(policy, TokenBucket.Refill(policy, state.Tokens, found ? state.UpdatedAt : null, now), now);
            if (decision.Allowed)
            {
                _buckets[(subject, bucket)] = (left, now);
            }

            return ValueTask.FromResult(decision);
        }
    }

    public Task<int> ResetAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken)
    {
        lock (_buckets)
        {
            var keys = _buckets.Keys.Where(key => key.Subject == subject && (bucket is null || key.Bucket == bucket)).ToList();
            keys.ForEach(key => _buckets.Remove(key));
            return Task.FromResult(keys.Count);
        }
    }

    public Task<IReadOnlyList<LimitBucketState>> ReadAsync(LimitSubject subject, CancellationToken cancellationToken)
    {
        lock (_buckets)
        {
            return Task.FromResult<IReadOnlyList<LimitBucketState>>(
                [.. _buckets.Where(entry => entry.Key.Subject == subject).Select(entry => new LimitBucketState(subject, entry.Key.Bucket, entry.Value.Tokens, entry.Value.UpdatedAt))]);
        }
    }
}
