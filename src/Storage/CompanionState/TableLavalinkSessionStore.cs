using Azure;
using Azure.Data.Tables;
using Serverless.Ports.Sessions;
using Serverless.Storage.Tables;

namespace Serverless.Storage.CompanionState;

/// <summary>The Lavalink session id in the <c>companion</c> table (PartitionKey <c>lavalink</c>, RowKey <c>session</c>).</summary>
public sealed class TableLavalinkSessionStore(StorageAccount account) : ILavalinkSessionStore
{
    public const string Partition = "lavalink";
    public const string Row = "session";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableCompanionHeartbeatStore.TableName);

    public async Task<string?> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value?.GetString("SessionId") : null;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }
    }

    public async Task SaveAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var entity = new TableEntity(Partition, Row) { ["SessionId"] = sessionId };
        await Table.WithTableAsync(() => Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }
}
