using Azure;
using Azure.Data.Tables;

namespace Serverless.Storage.Tables;

/// <summary>Tables are created on first write rather than at start-up, so a cold start pays nothing for them.</summary>
public static class TableClientExtensions
{
    /// <summary>
    /// Runs <paramref name="write"/>; on <c>TableNotFound</c> creates the table and runs it once more. Every caller
    /// that meets a missing table creates it (creation is idempotent): a once-per-process flag would let
    /// concurrent first writes fail while the first creation is still in flight.
    /// </summary>
    public static async Task<T> WithTableAsync<T>(this TableClient table, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write();
        }
        catch (RequestFailedException exception) when (IsTableNotFound(exception))
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            return await write();
        }
    }

    /// <summary>
    /// The write of an optimistic read-modify-write: inserts when <paramref name="etag"/> is null, else replaces if the
    /// row is unchanged; false when another writer won (412, or 409 for a racing insert).
    /// </summary>
    public static async Task<bool> TryInsertOrReplaceAsync(this TableClient table, TableEntity entity, ETag? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            await table.WithTableAsync(
                () => etag is { } match
                    ? table.UpdateEntityAsync(entity, match, TableUpdateMode.Replace, cancellationToken)
                    : table.AddEntityAsync(entity, cancellationToken),
                cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>The row, or null when it or its table does not exist.</summary>
    public static async Task<TableEntity?> GetOrNullAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
            return row.HasValue ? row.Value : null;
        }
        catch (RequestFailedException exception) when (IsTableNotFound(exception))
        {
            return null;
        }
    }

    /// <summary>A read from a table that does not exist yet finds nothing.</summary>
    public static bool IsTableNotFound(RequestFailedException exception) =>
        exception is { ErrorCode: "TableNotFound" };
}
