using Azure;
using Azure.Data.Tables;
using Serverless.Ports.Sessions;
using Serverless.Storage.Tables;

namespace Serverless.Storage.CompanionState;

/// <summary>
/// The one-companion lease in the <c>companion</c> table (PartitionKey <c>lease</c>, RowKey <c>gateway</c>). A free
/// lease is taken with an insert (409 when another got there first); an expired or own lease is replaced and a lease is
/// given up with a delete, both guarded by the ETag just read (412 when another wrote in between). So of two racing
/// companions exactly one wins, and a holder that lost its lease can neither renew nor release the new holder's.
/// </summary>
/// <remarks>
/// Expiry is compared with the reader's clock while the holder wrote it with its own: the holder stops its active work
/// a margin before the expiry it wrote (see CompanionLeaseOptions.StopMargin), which covers any skew smaller than that.
/// </remarks>
public sealed class TableCompanionLeaseStore(StorageAccount account) : ICompanionLeaseStore
{
    public const string Partition = "lease";
    public const string Row = "gateway";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableCompanionHeartbeatStore.TableName);

    public async Task<CompanionLease?> ReadAsync(CancellationToken cancellationToken) =>
        (await ReadRowAsync(cancellationToken)) is { } row ? ToLease(row) : null;

    public async Task<CompanionLease?> TryAcquireAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var row = await ReadRowAsync(cancellationToken);
        if (row is null)
        {
            var lease = new CompanionLease(holder, now, now + duration);
            try
            {
                await Table.WithTableAsync(() => Table.AddEntityAsync(ToEntity(lease), cancellationToken), cancellationToken);
                return lease;
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                return null;
            }
        }

        var current = ToLease(row);
        if (current is not null && current.Holder != holder && !current.IsExpired(now))
        {
            return null;
        }

        var acquiredAt = current is { } own && own.Holder == holder && !own.IsExpired(now) ? own.AcquiredAt : now;
        return await TryReplaceAsync(new CompanionLease(holder, acquiredAt, now + duration), row.ETag, cancellationToken);
    }

    public async Task<CompanionLease?> TryRenewAsync(string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var row = await ReadRowAsync(cancellationToken);
        if (row is null || ToLease(row) is not { } current || current.Holder != holder)
        {
            return null;
        }

        return await TryReplaceAsync(current with { ExpiresAt = now + duration }, row.ETag, cancellationToken);
    }

    public async Task<bool> ReleaseAsync(string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var row = await ReadRowAsync(cancellationToken);
        if (row is null || ToLease(row)?.Holder != holder)
        {
            return false;
        }

        try
        {
            await Table.DeleteEntityAsync(Partition, Row, row.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            return false;
        }
    }

    private async Task<CompanionLease?> TryReplaceAsync(CompanionLease lease, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(ToEntity(lease), etag, TableUpdateMode.Replace, cancellationToken);
            return lease;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            return null;
        }
    }

    private async Task<TableEntity?> ReadRowAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }
    }

    /// <summary>A row missing a column reads as an expired lease, so it can be taken over rather than block forever.</summary>
    private static CompanionLease? ToLease(TableEntity row) =>
        row.GetString("Holder") is { Length: > 0 } holder && row.GetDateTimeOffset("ExpiresAt") is { } expiresAt
            ? new CompanionLease(holder, row.GetDateTimeOffset("AcquiredAt") ?? expiresAt, expiresAt)
            : null;

    private static TableEntity ToEntity(CompanionLease lease) => new(Partition, Row)
    {
        ["Holder"] = lease.Holder,
        ["AcquiredAt"] = lease.AcquiredAt,
        ["ExpiresAt"] = lease.ExpiresAt,
    };
}
