using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Hall;

/// <summary>
/// Table <c>hall</c>: a partition per guild holding its hall (<c>hall</c>: channel and the month shown) and one row per
/// archived month (<c>archive|{yyyy-MM}</c>: claim, then the message it became).
/// </summary>
public sealed class TableHallStore(StorageAccount account) : IHallStore
{
    public const string TableName = "hall";
    private const string HallRow = "hall";
    private const string ArchivePrefix = "archive|";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<HallState?> GetAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), HallRow, cancellationToken);
        return row is null ? null : ToHall(row);
    }

    public Task<bool> TryWriteAsync(HallState hall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hall);
        var row = new TableEntity(Id(hall.GuildId), HallRow)
        {
            ["ChannelId"] = Id(hall.ChannelId),
            ["ShownMonth"] = hall.ShownMonth.ToString(),
        };
        return Table.TryInsertOrReplaceAsync(row, hall.ETag is { } etag ? new ETag(etag) : null, cancellationToken);
    }

    public async Task<IReadOnlyList<HallState>> ListAsync(CancellationToken cancellationToken)
    {
        var halls = new List<HallState>();
        try
        {
            await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {HallRow}"), cancellationToken: cancellationToken))
            {
                if (ToHall(row) is { } hall)
                {
                    halls.Add(hall);
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return halls;
    }

    public async Task<HallArchive?> GetArchiveAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), ArchivePrefix + month, cancellationToken);
        return row is null ? null : new HallArchive(guildId, month, Enum.TryParse<HallArchiveStatus>(row.GetString("Status"), out var status) ? status : HallArchiveStatus.Claimed)
        {
            ChannelId = ParseOptional(row.GetString("ChannelId")),
            MessageId = ParseOptional(row.GetString("MessageId")),
            ClaimedUntil = row.GetDateTimeOffset("ClaimedUntil"),
            FirstClaimedAt = row.GetDateTimeOffset("FirstClaimedAt"),
            Generation = row.GetInt32("Generation") ?? 0,
            ETag = row.ETag.ToString(),
        };
    }

    public Task<bool> TryWriteArchiveAsync(HallArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var row = new TableEntity(Id(archive.GuildId), ArchivePrefix + archive.Month)
        {
            ["Status"] = archive.Status.ToString(),
            ["ChannelId"] = archive.ChannelId is { } channel ? Id(channel) : null,
            ["MessageId"] = archive.MessageId is { } message ? Id(message) : null,
            ["ClaimedUntil"] = archive.ClaimedUntil,
            ["FirstClaimedAt"] = archive.FirstClaimedAt,
            ["Generation"] = archive.Generation,
        };
        return Table.TryInsertOrReplaceAsync(row, archive.ETag is { } etag ? new ETag(etag) : null, cancellationToken);
    }

    /// <summary>The hall, or null when the row is unreadable (a hand-edited month): such a guild is skipped, not fatal.</summary>
    private static HallState? ToHall(TableEntity row) =>
        ParseOptional(row.PartitionKey) is { } guildId && GuildMonth.TryParse(row.GetString("ShownMonth"), out var month)
            ? new HallState(guildId, ParseOptional(row.GetString("ChannelId")) ?? 0, month.Value) { ETag = row.ETag.ToString() }
            : null;

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong? ParseOptional(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id != 0 ? id : null;
}
