using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Domain.Controls;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Controls;

/// <summary>
/// The command limits' token buckets in the <c>commandlimits</c> table, shared by every instance: PartitionKey the
/// subject (<c>user:ID</c>, <c>guild:ID</c>), RowKey the bucket, holding the tokens as of <c>UpdatedAt</c>. A take is
/// read → <see cref="TokenBucket"/> → write with <c>If-Match</c> on the ETag read, retried when another instance
/// wrote first, so concurrent takes never grant more than the bucket holds. A storage failure lets the command
/// through (and logs): the limiter never takes the bot down.
/// </summary>
public sealed partial class TableCommandLimitStore(StorageAccount account, TimeProvider? timeProvider = null, ILogger<TableCommandLimitStore>? logger = null) : ICommandLimitStore
{
    public const string TableName = "commandlimits";

    /// <summary>Enough for a burst of concurrent takes of one bucket: each round at least one writer wins.</summary>
    private const int MaxConflicts = 30;

    private const string TokensColumn = "Tokens";
    private const string UpdatedAtColumn = "UpdatedAt";

    private readonly TableClient _table = account.Tables.GetTableClient(TableName);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<TableCommandLimitStore>.Instance;

    public async ValueTask<LimitDecision> TryTakeAsync(LimitSubject subject, string bucket, LimitPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var partition = subject.ToString();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var row = await _table.GetOrNullAsync(partition, bucket, cancellationToken);
                var tokens = TokenBucket.Refill(policy, row?.GetDouble(TokensColumn) ?? 0, row?.GetDateTimeOffset(UpdatedAtColumn), now);
                var (decision, left) = TokenBucket.Take(policy, tokens, now);
                if (!decision.Allowed)
                {
                    // A refusal changes nothing worth writing: a write would only make other instances' takes conflict.
                    return decision;
                }

                var entity = new TableEntity(partition, bucket) { [TokensColumn] = left, [UpdatedAtColumn] = now };
                if (await _table.TryInsertOrReplaceAsync(entity, row?.ETag, cancellationToken))
                {
                    return decision;
                }

                if (attempt >= MaxConflicts)
                {
                    // Busy, not broken: refusing briefly never over-grants.
                    return LimitDecision.Refuse(now + TimeSpan.FromSeconds(1));
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.TakeFailed(_logger, exception, partition, bucket);
            return LimitDecision.Allow(0);
        }
    }

    public async Task<int> ResetAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken)
    {
        var reset = 0;
        foreach (var row in await QueryAsync(subject, cancellationToken))
        {
            if (bucket is not null && !string.Equals(row.RowKey, bucket, StringComparison.Ordinal))
            {
                continue;
            }

            // Deleting the row is refilling it: an unknown bucket is full.
            try
            {
                await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                reset++;
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
            }
        }

        return reset;
    }

    public async Task<IReadOnlyList<LimitBucketState>> ReadAsync(LimitSubject subject, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(subject, cancellationToken)).Select(row => new LimitBucketState(
            subject,
            row.RowKey,
            row.GetDouble(TokensColumn) ?? 0,
            row.GetDateTimeOffset(UpdatedAtColumn) ?? DateTimeOffset.MinValue))];

    private async Task<List<TableEntity>> QueryAsync(LimitSubject subject, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {subject.ToString()}"), cancellationToken: cancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
        }

        return rows;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Could not take from the command limit {Subject}/{Bucket}; letting the command through")]
        public static partial void TakeFailed(ILogger logger, Exception exception, string subject, string bucket);
    }
}
