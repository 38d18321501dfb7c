using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Projections;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Projections;

/// <summary>
/// Table <c>projections</c>: PartitionKey the guild id, RowKey <c>{feature}|{subject}</c> (Table keys forbid <c>/</c>).
/// Small rows, one per projection; a guild's are one partition query.
/// </summary>
public sealed class TableProjectionStore(StorageAccount account) : IProjectionStore
{
    public const string TableName = "projections";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public static string RowKey(ProjectionKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Feature + "|" + key.Subject;
    }

    public async Task<ProjectionState?> GetAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var row = await Table.GetOrNullAsync(Id(key.GuildId), RowKey(key), cancellationToken);
        return row is null ? null : ToState(row);
    }

    public async Task<IReadOnlyList<ProjectionState>> ListAsync(ulong? guildId, CancellationToken cancellationToken)
    {
        var states = new List<ProjectionState>();
        try
        {
            var filter = guildId is { } guild ? TableClient.CreateQueryFilter($"PartitionKey eq {Id(guild)}") : null;
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (ToState(row) is { } state)
                {
                    states.Add(state);
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return [.. states.OrderBy(state => state.Key.GuildId).ThenBy(state => state.Key.ToString(), StringComparer.Ordinal)];
    }

    public Task<bool> TryWriteAsync(ProjectionState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var row = new TableEntity(Id(state.Key.GuildId), RowKey(state.Key))
        {
            ["Feature"] = state.Key.Feature,
            ["Subject"] = state.Key.Subject,
            ["ChannelId"] = Id(state.ChannelId),
            ["MessageId"] = Id(state.MessageId),
            ["LogChannelId"] = Id(state.LogChannelId),
            ["Version"] = state.Version,
            ["PublishedVersion"] = state.PublishedVersion,
            ["PublishedHash"] = state.PublishedHash,
            ["PublishedAt"] = state.PublishedAt,
            ["DirtySince"] = state.DirtySince,
            ["RefreshPendingUntil"] = state.RefreshPendingUntil,
            ["Generation"] = state.Generation,
            ["CreatingUntil"] = state.CreatingUntil,
            ["EditRefusals"] = state.EditRefusals,
            ["BrokenReason"] = state.BrokenReason,
        };
        return Table.TryInsertOrReplaceAsync(row, state.ETag is { } etag ? new ETag(etag) : null, cancellationToken);
    }

    private static ProjectionState? ToState(TableEntity row)
    {
        if (!ulong.TryParse(row.PartitionKey, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId)
            || row.GetString("Feature") is not { } feature || row.GetString("Subject") is not { } subject)
        {
            return null;
        }

        return new ProjectionState
        {
            Key = new ProjectionKey(guildId, feature, subject),
            ChannelId = ParseId(row.GetString("ChannelId")),
            MessageId = ParseId(row.GetString("MessageId")),
            LogChannelId = ParseId(row.GetString("LogChannelId")),
            Version = row.GetInt64("Version") ?? 0,
            PublishedVersion = row.GetInt64("PublishedVersion") ?? 0,
            PublishedHash = row.GetString("PublishedHash"),
            PublishedAt = row.GetDateTimeOffset("PublishedAt"),
            DirtySince = row.GetDateTimeOffset("DirtySince"),
            RefreshPendingUntil = row.GetDateTimeOffset("RefreshPendingUntil"),
            Generation = row.GetInt32("Generation") ?? 0,
            CreatingUntil = row.GetDateTimeOffset("CreatingUntil"),
            EditRefusals = row.GetInt32("EditRefusals") ?? 0,
            BrokenReason = row.GetString("BrokenReason"),
            ETag = row.ETag.ToString(),
        };
    }

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? Id(ulong? id) => id?.ToString(CultureInfo.InvariantCulture);

    private static ulong? ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
