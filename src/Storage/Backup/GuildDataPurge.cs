using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Backup;

/// <summary>One table's rows of one guild: found by <c>guild purge --dry-run</c>, deleted by <c>guild purge</c>.</summary>
public sealed record GuildRowCount(string Table, long Rows);

/// <summary>
/// Deletes every row of one guild from each table of <see cref="BackupCatalog.WithGuildRows"/>, each by its own key
/// layout, in transactions of one partition. A row deleted meanwhile is not an error.
/// </summary>
public sealed class GuildDataPurge(StorageAccount account)
{
    private const int MaxBatchRows = 100;

    /// <summary>Counts, per table, the rows <see cref="PurgeAsync"/> would delete.</summary>
    public async Task<IReadOnlyList<GuildRowCount>> CountAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var counts = new List<GuildRowCount>();
        foreach (var table in BackupCatalog.WithGuildRows)
        {
            long rows = 0;
            await foreach (var _ in RowsAsync(table, guildId, cancellationToken))
            {
                rows++;
            }

            counts.Add(new GuildRowCount(table.Name, rows));
        }

        return counts;
    }

    /// <param name="onTable">Called as each table is done, with its count.</param>
    public async Task<IReadOnlyList<GuildRowCount>> PurgeAsync(ulong guildId, Action<GuildRowCount>? onTable, CancellationToken cancellationToken)
    {
        var counts = new List<GuildRowCount>();
        foreach (var table in BackupCatalog.WithGuildRows)
        {
            // Keys first, then deletes: deleting while paging would move the pages under the query.
            var keys = new List<(string Partition, string Row)>();
            await foreach (var row in RowsAsync(table, guildId, cancellationToken))
            {
                keys.Add((row.PartitionKey, row.RowKey));
            }

            var client = account.Tables.GetTableClient(table.Name);
            long deleted = 0;
            foreach (var partition in keys.GroupBy(key => key.Partition, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(MaxBatchRows))
                {
                    deleted += await DeleteAsync(client, chunk, cancellationToken);
                }
            }

            var count = new GuildRowCount(table.Name, deleted);
            counts.Add(count);
            onTable?.Invoke(count);
        }

        return counts;
    }

    private async IAsyncEnumerable<TableEntity> RowsAsync(CatalogTable table, ulong guildId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = table.GuildRows!;
        var client = account.Tables.GetTableClient(table.Name);
        IEnumerable<string>? select = filter.NeedsProperties ? null : ["PartitionKey", "RowKey"];
        var rows = client.QueryAsync<TableEntity>(filter.ServerFilter(guildId), maxPerPage: 1000, select: select, cancellationToken: cancellationToken);
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
            {
                yield break;
            }

            if (filter.Matches(enumerator.Current, guildId))
            {
                yield return enumerator.Current;
            }
        }
    }

    private static async Task<long> DeleteAsync(TableClient client, (string Partition, string Row)[] keys, CancellationToken cancellationToken)
    {
        try
        {
            await client.SubmitTransactionAsync(keys.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key.Partition, key.Row), ETag.All)), cancellationToken);
            return keys.Length;
        }
        catch (TableTransactionFailedException)
        {
            // One row went meanwhile (a post published, a session ended) and failed the whole batch: one by one instead.
            long deleted = 0;
            foreach (var (partition, row) in keys)
            {
                try
                {
                    await client.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
                    deleted++;
                }
                catch (RequestFailedException exception) when (exception.Status == 404)
                {
                }
            }

            return deleted;
        }
    }
}
