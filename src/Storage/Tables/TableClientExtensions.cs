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

    /// <summary>A read from a table that does not exist yet finds nothing.</summary>
    public static bool IsTableNotFound(RequestFailedException exception) =>
        exception is { ErrorCode: "TableNotFound" };
}
