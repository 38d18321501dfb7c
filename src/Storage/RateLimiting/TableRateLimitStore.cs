using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Ports.RateLimiting;
using Serverless.Storage.Tables;

namespace Serverless.Storage.RateLimiting;

/// <summary>
/// Rate-limit state in the <c>ratelimits</c> table, shared by every instance. One row per bucket key
/// (PartitionKey = a hash of the key, so rows spread over partitions and no key character needs escaping),
/// one per route's learned bucket id, and one per minute of invalid-request counts. Every change is
/// read → <see cref="RateLimitMath"/> → write with <c>If-Match</c> on the ETag read, retried on 412/409.
/// </summary>
public sealed class TableRateLimitStore(StorageAccount account) : IRateLimitStore
{
    public const string TableName = "ratelimits";
    private const string BucketRow = "bucket";
    private const string RouteRow = "route";
    private const string InvalidPartition = "invalid";
    private const int MaxConflicts = 20;
    private static readonly TimeSpan ContendedRetry = TimeSpan.FromMilliseconds(50);

    private readonly TableClient _table = account.Tables.GetTableClient(TableName);

    /// <remarks>A row that keeps changing under us is busy, not broken: the caller gets no slot and tries again shortly.</remarks>
    public Task<Reservation> ReserveAsync(string key, int wanted, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateBucketAsync(key, state => RateLimitMath.Reserve(state, wanted, now, defaults), () => new Reservation(0, now + ContendedRetry), cancellationToken);

    public Task ObserveAsync(string key, BucketObservation observation, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateBucketAsync(key, state => (RateLimitMath.Observe(state, observation, now), 0), onContended: null, cancellationToken);

    public Task ExhaustAsync(string key, TimeSpan retryAfter, BucketDefaults defaults, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateBucketAsync(key, state => (RateLimitMath.Exhaust(state, retryAfter, now, defaults), 0), onContended: null, cancellationToken);

    public async Task<string?> GetBucketIdAsync(string route, CancellationToken cancellationToken)
    {
        var row = await _table.GetOrNullAsync(Hash("r:" + route), RouteRow, cancellationToken);
        return row?.GetString("BucketId");
    }

    public Task SetBucketIdAsync(string route, string bucketId, CancellationToken cancellationToken) =>
        _table.WithTableAsync(() => _table.UpsertEntityAsync(new TableEntity(Hash("r:" + route), RouteRow) { ["BucketId"] = bucketId }, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    public async Task AddInvalidRequestsAsync(int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rowKey = MinuteKey(now.ToUnixTimeSeconds() / 60);
        for (var attempt = 0; ; attempt++)
        {
            var row = await _table.GetOrNullAsync(InvalidPartition, rowKey, cancellationToken);
            var entity = new TableEntity(InvalidPartition, rowKey) { ["Count"] = (row?.GetInt32("Count") ?? 0) + count };
            if (await _table.TryInsertOrReplaceAsync(entity, row?.ETag, cancellationToken) || attempt >= MaxConflicts)
            {
                return;
            }
        }
    }

    public async Task<int> CountInvalidRequestsAsync(TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = MinuteKey(((now - window).ToUnixTimeSeconds() / 60) + 1);
        var last = MinuteKey(now.ToUnixTimeSeconds() / 60);
        var total = 0;
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {InvalidPartition} and RowKey ge {first} and RowKey le {last}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["Count"], cancellationToken: cancellationToken))
            {
                total += row.GetInt32("Count") ?? 0;
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return 0;
        }

        return total;
    }

    private async Task<T> UpdateBucketAsync<T>(string key, Func<BucketState?, (BucketState State, T Result)> change, Func<T>? onContended, CancellationToken cancellationToken)
    {
        var partition = Hash("b:" + key);
        for (var attempt = 0; ; attempt++)
        {
            var row = await _table.GetOrNullAsync(partition, BucketRow, cancellationToken);
            var current = row is null ? null : ToState(row);
            var (state, result) = change(current);

            // An unchanged row (a refused reservation) is not written: a write would only change its ETag and
            // make every other instance's update of this row conflict.
            if (state == current || await _table.TryInsertOrReplaceAsync(ToEntity(partition, state), row?.ETag, cancellationToken))
            {
                return result;
            }

            if (attempt >= MaxConflicts)
            {
                return onContended is not null
                    ? onContended()
                    : throw new InvalidOperationException("Rate-limit row kept changing under us; giving up this update.");
            }
        }
    }

    private static BucketState ToState(TableEntity row) => new(
        row.GetInt32("Limit") ?? 1,
        row.GetInt32("Remaining") ?? 0,
        row.GetDateTimeOffset("ResetAt") ?? DateTimeOffset.MinValue,
        TimeSpan.FromTicks(row.GetInt64("PeriodTicks") ?? TimeSpan.TicksPerSecond),
        row.GetBoolean("Probing") ?? false);

    private static TableEntity ToEntity(string partition, BucketState state) => new(partition, BucketRow)
    {
        ["Limit"] = state.Limit,
        ["Remaining"] = state.Remaining,
        ["ResetAt"] = state.ResetAt,
        ["PeriodTicks"] = state.Period.Ticks,
        ["Probing"] = state.Probing,
    };

    private static string MinuteKey(long minute) => minute.ToString("D12", CultureInfo.InvariantCulture);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));
}
