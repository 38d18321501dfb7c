using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Ports.Sessions;
using Serverless.Storage.Tables;

namespace Serverless.Storage.CompanionState;

/// <summary>
/// Each gateway shard's resumable session in the <c>gatewaysessions</c> table: one row per shard
/// (PartitionKey <c>shard</c>, RowKey the shard id). Only the companion that runs a shard writes its row, so a plain
/// upsert is right here; a session saved for another shard count is not offered, since Discord would refuse it.
/// </summary>
public sealed class TableGatewaySessionStore(StorageAccount account) : IGatewaySessionStore
{
    public const string TableName = "gatewaysessions";
    private const string Partition = "shard";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<GatewaySession?> LoadAsync(int shardId, int shardCount, CancellationToken cancellationToken)
    {
        TableEntity? row;
        try
        {
            var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(shardId), cancellationToken: cancellationToken);
            row = response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }

        if (row is null
            || row.GetInt32("ShardCount") is not { } savedCount || savedCount != shardCount
            || row.GetString("SessionId") is not { Length: > 0 } sessionId
            || row.GetString("ResumeGatewayUrl") is not { Length: > 0 } resumeUrl
            || row.GetInt64("Sequence") is not { } sequence)
        {
            return null;
        }

        return new GatewaySession(shardId, savedCount, sessionId, resumeUrl, sequence, row.GetDateTimeOffset("SavedAt") ?? DateTimeOffset.MinValue);
    }

    public async Task SaveAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var entity = new TableEntity(Partition, RowKey(session.ShardId))
        {
            ["ShardCount"] = session.ShardCount,
            ["SessionId"] = session.SessionId,
            ["ResumeGatewayUrl"] = session.ResumeGatewayUrl,
            ["Sequence"] = session.Sequence,
            ["SavedAt"] = session.SavedAt,
        };
        await Table.WithTableAsync(() => Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }

    public async Task ClearAsync(int shardId, CancellationToken cancellationToken)
    {
        try
        {
            // A row that is not there (404) is not an error: the session is gone either way.
            await Table.DeleteEntityAsync(Partition, RowKey(shardId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
        }
    }

    private static string RowKey(int shardId) => shardId.ToString("D5", CultureInfo.InvariantCulture);
}
