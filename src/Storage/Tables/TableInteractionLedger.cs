using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Commands;

namespace Serverless.Storage.Tables;

/// <summary>Records finished interactions in the <c>interactionruns</c> table, one row per interaction id.</summary>
public sealed class TableInteractionLedger(StorageAccount account, TimeProvider timeProvider) : IInteractionLedger
{
    public const string TableName = "interactionruns";
    private const string RowKey = "done";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<bool> IsCompletedAsync(ulong interactionId, CancellationToken cancellationToken)
    {
        try
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(interactionId), RowKey, ["PartitionKey"], cancellationToken);
            return row.HasValue;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return false;
        }
    }

    public async Task MarkCompletedAsync(ulong interactionId, string commandName, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey(interactionId), RowKey)
        {
            ["Command"] = commandName,
            ["CompletedAt"] = timeProvider.GetUtcNow(),
        };
        await Table.WithTableAsync(() => Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }

    private static string PartitionKey(ulong interactionId) => interactionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
