using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Features.Oracle;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Oracle;

/// <summary>
/// Table <c>oracle</c>: a partition per guild holding its slot (RowKey <c>setup</c>), each week's edition
/// (<c>week|{yyyy-www}</c>) and the members' answers (<c>answer|{yyyy-www}|{user id:D20}</c>).
/// </summary>
public sealed class TableOracleStore(StorageAccount account) : IOracleStore
{
    public const string TableName = "oracle";
    private const string SetupRowKey = "setup";
    private const string WeekPrefix = "week|";
    private const string AnswerPrefix = "answer|";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<OracleSetup?> GetSetupAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), SetupRowKey, cancellationToken);
        return row is null ? null : ToSetup(row);
    }

    public Task<bool> TryWriteSetupAsync(OracleSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var row = new TableEntity(Id(setup.GuildId), SetupRowKey)
        {
            ["ChannelId"] = Id(setup.ChannelId),
            ["Day"] = setup.Day.ToString(),
            ["Hour"] = setup.Hour,
        };
        return Table.TryInsertOrReplaceAsync(row, ETagOf(setup.ETag), cancellationToken);
    }

    public async Task<IReadOnlyList<OracleSetup>> ListSetupsAsync(CancellationToken cancellationToken)
    {
        var setups = new List<OracleSetup>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"RowKey eq {SetupRowKey}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (ToSetup(row) is { } setup)
                {
                    setups.Add(setup);
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return setups;
    }

    public async Task<OracleEdition?> GetEditionAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), WeekPrefix + week.Key, cancellationToken);
        return row is null ? null : new OracleEdition(guildId, week, row.GetString("Prompt") ?? "", ParseId(row.GetString("ChannelId")), row.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue)
        {
            Placed = row.GetBoolean("Placed") ?? false,
            ETag = row.ETag.ToString(),
        };
    }

    public Task<bool> TryWriteEditionAsync(OracleEdition edition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var row = new TableEntity(Id(edition.GuildId), WeekPrefix + edition.Week.Key)
        {
            ["Prompt"] = edition.Prompt,
            ["ChannelId"] = Id(edition.ChannelId),
            ["ClaimedAt"] = edition.ClaimedAt,
            ["Placed"] = edition.Placed,
        };
        return Table.TryInsertOrReplaceAsync(row, ETagOf(edition.ETag), cancellationToken);
    }

    public async Task<OracleAnswer?> GetAnswerAsync(ulong guildId, OracleWeek week, ulong userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), AnswerRowKey(week, userId), cancellationToken);
        return row is null ? null : ToAnswer(row, guildId, week);
    }

    public Task<bool> TryWriteAnswerAsync(OracleAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var row = new TableEntity(Id(answer.GuildId), AnswerRowKey(answer.Week, answer.UserId))
        {
            ["UserId"] = Id(answer.UserId),
            ["Text"] = answer.Text,
            ["AnsweredAt"] = answer.AnsweredAt,
        };
        return Table.TryInsertOrReplaceAsync(row, ETagOf(answer.ETag), cancellationToken);
    }

    public async Task<IReadOnlyList<OracleAnswer>> ListAnswersAsync(ulong guildId, OracleWeek week, CancellationToken cancellationToken)
    {
        var prefix = $"{AnswerPrefix}{week.Key}|";
        var end = prefix[..^1] + "}";
        var answers = new List<OracleAnswer>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(guildId)} and RowKey gt {prefix} and RowKey lt {end}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                answers.Add(ToAnswer(row, guildId, week));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return answers;
    }

    private static OracleSetup? ToSetup(TableEntity row) =>
        ulong.TryParse(row.PartitionKey, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId)
        && Enum.TryParse<DayOfWeek>(row.GetString("Day"), out var day)
        && row.GetInt32("Hour") is { } hour and >= 0 and <= 23
            ? new OracleSetup(guildId, ParseId(row.GetString("ChannelId")), day, hour) { ETag = row.ETag.ToString() }
            : null;

    private static OracleAnswer ToAnswer(TableEntity row, ulong guildId, OracleWeek week) =>
        new(guildId, week, ParseId(row.GetString("UserId")), row.GetString("Text") ?? "", row.GetDateTimeOffset("AnsweredAt") ?? DateTimeOffset.MinValue)
        {
            ETag = row.ETag.ToString(),
        };

    private static string AnswerRowKey(OracleWeek week, ulong userId) =>
        $"{AnswerPrefix}{week.Key}|{userId.ToString("D20", CultureInfo.InvariantCulture)}";

    private static ETag? ETagOf(string? etag) => etag is null ? null : new ETag(etag);

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
}
