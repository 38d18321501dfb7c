using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Housekeeping;
using Serverless.Storage.Controls;
using Serverless.Storage.RateLimiting;
using Serverless.Storage.ScheduledPosts;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Housekeeping;

/// <summary>
/// Sweeps the tables that only grow. Each table has one row per key that no query of ours can range over by age,
/// so a sweep filters on the service's <c>Timestamp</c> (last write) server-side, with the row's own fields where
/// they say more, and asks only for the keys and the fields it judges by. Deletes carry the ETag read: a row written
/// since the page was read is kept. The row shapes are those the stores write (<see cref="TableInteractionLedger"/>,
/// <see cref="TableRateLimitStore"/>, <see cref="TableScheduledPostStore"/>, <see cref="TableCommandLimitStore"/>); the tests write rows through them.
/// </summary>
public sealed class TableRetentionStore(StorageAccount account) : IRetentionStore
{
    // As TableRateLimitStore writes them: a bucket's row, and the partition of per-minute invalid-request counts.
    private const string BucketRow = "bucket";
    private const string InvalidPartition = "invalid";

    // Deletes of one page run this many at a time: each row is its own partition, so they cannot be batched.
    private const int DeleteConcurrency = 8;

    public Task<SweepPage> SweepInteractionRunsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
        SweepAsync(
            TableInteractionLedger.TableName,
            TableClient.CreateQueryFilter($"Timestamp lt {cutoff}"),
            ["PartitionKey", "RowKey"],
            static _ => true,
            pageSize,
            continuation,
            cancellationToken);

    public Task<SweepPage> SweepRateLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        // The route → bucket id rows stay: one per route template, bounded, and re-learning them costs probes.
        var lastMinute = (cutoff.ToUnixTimeSeconds() / 60).ToString("D12", CultureInfo.InvariantCulture);
        var buckets = TableClient.CreateQueryFilter($"RowKey eq {BucketRow} and Timestamp lt {cutoff} and ResetAt lt {cutoff}");
        var invalid = TableClient.CreateQueryFilter($"PartitionKey eq {InvalidPartition} and RowKey lt {lastMinute}");
        return SweepAsync(TableRateLimitStore.TableName, $"({buckets}) or ({invalid})", ["PartitionKey", "RowKey"], static _ => true, pageSize, continuation, cancellationToken);
    }

    public Task<SweepPage> SweepFinishedPostsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var finished = TableClient.CreateQueryFilter(
            $"Timestamp lt {cutoff} and (Status eq {Name(PostStatus.Published)} or Status eq {Name(PostStatus.Failed)} or Status eq {Name(PostStatus.Cancelled)})");
        return SweepAsync(TableScheduledPostStore.PostsTable, finished, ["PartitionKey", "RowKey", "Status", "Repeat"], IsOver, pageSize, continuation, cancellationToken);
    }

    public Task<SweepPage> SweepCommandLimitsAsync(DateTimeOffset cutoff, int pageSize, string? continuation, CancellationToken cancellationToken) =>
        SweepAsync(
            TableCommandLimitStore.TableName,
            TableClient.CreateQueryFilter($"UpdatedAt lt {cutoff}"),
            ["PartitionKey", "RowKey"],
            static _ => true,
            pageSize,
            continuation,
            cancellationToken);

    /// <summary>Cancelled, or a one-off that ended. A missing or unknown repeat reads as one-off, as the store reads it.</summary>
    private static bool IsOver(TableEntity row) =>
        row.GetString("Status") == Name(PostStatus.Cancelled)
        || !Enum.TryParse<RecurrenceKind>(row.GetString("Repeat"), ignoreCase: true, out var kind)
        || kind == RecurrenceKind.None;

    private async Task<SweepPage> SweepAsync(
        string tableName,
        string filter,
        IEnumerable<string> select,
        Func<TableEntity, bool> expired,
        int pageSize,
        string? continuation,
        CancellationToken cancellationToken)
    {
        var table = account.Tables.GetTableClient(tableName);
        Page<TableEntity>? page = null;
        try
        {
            await foreach (var first in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).AsPages(continuation, pageSize))
            {
                page = first;
                break;
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return new SweepPage(0, 0, null);
        }

        if (page is null)
        {
            return new SweepPage(0, 0, null);
        }

        var deleted = 0;
        await Parallel.ForEachAsync(
            page.Values.Where(expired),
            new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = cancellationToken },
            async (row, ct) =>
            {
                try
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                    Interlocked.Increment(ref deleted);
                }
                catch (RequestFailedException exception) when (exception.Status is 404 or 412)
                {
                    // Gone already (another run), or written since the page was read: in use again, so kept.
                }
            });

        // An empty page can still carry a continuation (the service stops at partition and time boundaries).
        return new SweepPage(page.Values.Count, deleted, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
    }

    private static string Name(PostStatus status) => status.ToString().ToLowerInvariant();
}
