using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Backup;

/// <summary>
/// Exports a table to <c>{table}.jsonl</c> and imports it back, page by page and line by line: no table or file is
/// ever held whole. Import writes with Replace upserts, so running it twice leaves the same rows; rows that exist
/// only in the live table are left alone.
/// </summary>
public sealed class TableBackup(StorageAccount account)
{
    private const int PageSize = 1000;

    /// <summary>Entities in one transaction: the service's limit.</summary>
    private const int MaxBatchRows = 100;

    /// <summary>Under the service's 4 MiB per transaction, with room for the batch's own framing.</summary>
    private const long MaxBatchBytes = 2 * 1024 * 1024;

    /// <summary>Where the rows came from, for the manifest: the account's name, never its key.</summary>
    public string AccountName => account.Tables.AccountName;

    /// <param name="onRows">Called with the rows written so far, after each page.</param>
    public async Task<BackupTableEntry> ExportAsync(string table, string directory, Action<long>? onRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var file = BackupTableEntry.FileFor(table);
        var client = account.Tables.GetTableClient(table);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long rows = 0;
        await using (var stream = new FileStream(Path.Combine(directory, file), FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            try
            {
                await foreach (var page in client.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: PageSize, cancellationToken: cancellationToken).AsPages(pageSizeHint: PageSize))
                {
                    foreach (var entity in page.Values)
                    {
                        var line = EntityLineCodec.Encode(entity);
                        hash.AppendData(line);
                        hash.AppendData("\n"u8);
                        await stream.WriteAsync(line, cancellationToken);
                        stream.WriteByte((byte)'\n');
                        rows++;
                    }

                    onRows?.Invoke(rows);
                }
            }
            catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
            {
                // Never written to yet: an empty table, and an empty file.
            }
        }

        onRows?.Invoke(rows);
        return new BackupTableEntry(table, file, rows, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>Writes the file's rows into the table (creating it), in transactions of one partition each; returns the rows written.</summary>
    /// <param name="dryRun">Read and count, write nothing.</param>
    /// <param name="onRows">Called with the rows written so far, after each transaction.</param>
    public async Task<long> ImportAsync(string directory, BackupTableEntry entry, bool dryRun, Action<long>? onRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var client = account.Tables.GetTableClient(entry.Table);
        if (!dryRun)
        {
            await client.CreateIfNotExistsAsync(cancellationToken);
        }

        long written = 0;
        var batch = new List<TableTransactionAction>(MaxBatchRows);
        long batchBytes = 0;
        string? batchPartition = null;

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            if (!dryRun)
            {
                await client.SubmitTransactionAsync(batch, cancellationToken);
            }

            written += batch.Count;
            batch.Clear();
            batchBytes = 0;
            onRows?.Invoke(written);
        }

        await using (var stream = new FileStream(Path.Combine(directory, entry.File), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true))
        {
            await foreach (var line in JsonLines.ReadAsync(stream, hash: null, cancellationToken))
            {
                var entity = EntityLineCodec.Decode(line.Span);

                // Exports are in key order, so one partition's rows are together and batch well.
                if (batch.Count == MaxBatchRows || batchBytes + line.Length > MaxBatchBytes || !string.Equals(batchPartition, entity.PartitionKey, StringComparison.Ordinal))
                {
                    await FlushAsync();
                }

                batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
                batchBytes += line.Length;
                batchPartition = entity.PartitionKey;
            }
        }

        await FlushAsync();
        return written;
    }
}
