using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Raids;

/// <summary>
/// Table <c>raids</c>: a partition per guild holding its raids (<c>raid|{id}</c>), the running one's pointer
/// (<c>active</c>, so a guild has at most one), each attack by interaction id (<c>attack|{id:D20}</c>), members'
/// contributions (<c>member|{raid}|{user:D20}</c>) and monthly damage (<c>month|{yyyy-MM}|{user:D20}</c>). An attack
/// writes the raid, its attack row, the contribution and the monthly row in one transaction.
/// </summary>
public sealed class TableRaidStore(StorageAccount account) : IRaidStore
{
    public const string TableName = "raids";
    private const string RaidPrefix = "raid|";
    private const string ActiveRow = "active";
    private const string AttackPrefix = "attack|";
    private const string MemberPrefix = "member|";
    private const string MonthPrefix = "month|";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<Raid?> GetAsync(ulong guildId, string raidId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), RaidPrefix + raidId, cancellationToken);
        return row is null ? null : ToRaid(row, guildId);
    }

    public async Task<Raid?> GetActiveAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var pointer = await Table.GetOrNullAsync(Id(guildId), ActiveRow, cancellationToken);
        return pointer?.GetString("RaidId") is { } raidId ? await GetAsync(guildId, raidId, cancellationToken) : null;
    }

    public Task<bool> TryStartAsync(Raid raid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raid);
        return SubmitAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, ToRow(raid)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Id(raid.GuildId), ActiveRow)
                {
                    ["RaidId"] = raid.Id,
                    ["EndsAt"] = raid.EndsAt,
                }),
            ],
            cancellationToken);
    }

    public async Task<RaidAttack?> GetAttackAsync(ulong guildId, ulong interactionId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), AttackRowKey(interactionId), cancellationToken);
        return row is null ? null : new RaidAttack(
            guildId,
            interactionId,
            row.GetString("RaidId") ?? "",
            ParseId(row.GetString("UserId")),
            row.GetInt64("Damage") ?? 0,
            row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
    }

    public async Task<RaidMember> GetMemberAsync(ulong guildId, string raidId, ulong userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), MemberRowKey(raidId, userId), cancellationToken);
        return row is null ? RaidMember.Fresh(guildId, raidId, userId) : ToMember(row, guildId, raidId);
    }

    public async Task<RaiderMonthScore> GetMonthScoreAsync(ulong guildId, GuildMonth month, ulong userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), MonthRowKey(month, userId), cancellationToken);
        return row is null ? new RaiderMonthScore(guildId, month, userId, 0) : ToScore(row, guildId, month);
    }

    public Task<bool> TryRecordAttackAsync(Raid raid, RaidAttack attack, RaidMember member, RaiderMonthScore score, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raid);
        ArgumentNullException.ThrowIfNull(attack);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(score);
        List<TableTransactionAction> actions =
        [
            Write(ToRow(raid), raid.ETag),

            // Added, never replaced: the second delivery of the same interaction fails the whole transaction.
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(Id(attack.GuildId), AttackRowKey(attack.InteractionId))
            {
                ["RaidId"] = attack.RaidId,
                ["UserId"] = Id(attack.UserId),
                ["Damage"] = attack.Damage,
                ["At"] = attack.At,
            }),
            Write(new TableEntity(Id(member.GuildId), MemberRowKey(member.RaidId, member.UserId))
            {
                ["UserId"] = Id(member.UserId),
                ["Damage"] = member.Damage,
                ["Attacks"] = member.Attacks,
                ["LastAttackAt"] = member.LastAttackAt,
            }, member.ETag),
            Write(new TableEntity(Id(score.GuildId), MonthRowKey(score.Month, score.UserId))
            {
                ["UserId"] = Id(score.UserId),
                ["Damage"] = score.Damage,
            }, score.ETag),
        ];
        if (!raid.IsActive)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Id(raid.GuildId), ActiveRow), ETag.All));
        }

        return SubmitAsync(actions, cancellationToken);
    }

    public Task<bool> TryEndAsync(Raid ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        return SubmitAsync(
            [
                Write(ToRow(ended), ended.ETag),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Id(ended.GuildId), ActiveRow), ETag.All),
            ],
            cancellationToken);
    }

    public async Task<IReadOnlyList<RaidMember>> ListMembersAsync(ulong guildId, string raidId, CancellationToken cancellationToken) =>
        await QueryPrefixAsync(guildId, $"{MemberPrefix}{raidId}|", row => ToMember(row, guildId, raidId), cancellationToken);

    public async Task<IReadOnlyList<RaiderMonthScore>> ListMonthScoresAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        await QueryPrefixAsync(guildId, $"{MonthPrefix}{month}|", row => ToScore(row, guildId, month), cancellationToken);

    public async Task<IReadOnlyList<Raid>> ListEndedAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var raids = new List<Raid>();
        try
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {Id(guildId)} and RowKey ge {RaidPrefix} and RowKey lt {"raid}"} and EndedMonth eq {month.ToString()}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                raids.Add(ToRaid(row, guildId));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return [.. raids.OrderBy(raid => raid.EndedAt).ThenBy(raid => raid.Id, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<Raid>> ListOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var raids = new List<Raid>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"RowKey eq {ActiveRow} and EndsAt le {now}");
            await foreach (var pointer in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                var guildId = ParseId(pointer.PartitionKey);
                if (pointer.GetString("RaidId") is { } raidId && await GetAsync(guildId, raidId, cancellationToken) is { IsActive: true } raid)
                {
                    raids.Add(raid);
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return raids;
    }

    private async Task<bool> SubmitAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await Table.WithTableAsync(() => Table.SubmitTransactionAsync(actions, cancellationToken), cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException exception) when (exception.Status is 412 or 409 or 404)
        {
            return false;
        }
    }

    private async Task<List<T>> QueryPrefixAsync<T>(ulong guildId, string prefix, Func<TableEntity, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(guildId)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                rows.Add(map(row));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return rows;
    }

    private static TableTransactionAction Write(TableEntity row, string? etag) => etag is { } match
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(match))
        : new TableTransactionAction(TableTransactionActionType.Add, row);

    private static TableEntity ToRow(Raid raid) => new(Id(raid.GuildId), RaidPrefix + raid.Id)
    {
        ["Name"] = raid.Name,
        ["Goal"] = raid.Goal,
        ["Total"] = raid.Total,
        ["ChannelId"] = Id(raid.ChannelId),
        ["StartedBy"] = Id(raid.StartedBy),
        ["StartedAt"] = raid.StartedAt,
        ["EndsAt"] = raid.EndsAt,
        ["Status"] = raid.Status.ToString(),
        ["EndedAt"] = raid.EndedAt,
        ["EndedMonth"] = raid.EndedMonth?.ToString(),
    };

    private static Raid ToRaid(TableEntity row, ulong guildId) => new()
    {
        GuildId = guildId,
        Id = row.RowKey[RaidPrefix.Length..],
        Name = row.GetString("Name") ?? "",
        Goal = row.GetInt64("Goal") ?? 1,
        Total = row.GetInt64("Total") ?? 0,
        ChannelId = ParseId(row.GetString("ChannelId")),
        StartedBy = ParseId(row.GetString("StartedBy")),
        StartedAt = row.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        EndsAt = row.GetDateTimeOffset("EndsAt") ?? DateTimeOffset.MinValue,
        Status = Enum.TryParse<RaidStatus>(row.GetString("Status"), out var status) ? status : RaidStatus.Stopped,
        EndedAt = row.GetDateTimeOffset("EndedAt"),
        EndedMonth = GuildMonth.TryParse(row.GetString("EndedMonth"), out var month) ? month : null,
        ETag = row.ETag.ToString(),
    };

    private static RaidMember ToMember(TableEntity row, ulong guildId, string raidId) =>
        new(guildId, raidId, ParseId(row.GetString("UserId")), row.GetInt64("Damage") ?? 0, row.GetInt32("Attacks") ?? 0, row.GetDateTimeOffset("LastAttackAt"))
        {
            ETag = row.ETag.ToString(),
        };

    private static RaiderMonthScore ToScore(TableEntity row, ulong guildId, GuildMonth month) =>
        new(guildId, month, ParseId(row.GetString("UserId")), row.GetInt64("Damage") ?? 0) { ETag = row.ETag.ToString() };

    private static string AttackRowKey(ulong interactionId) => AttackPrefix + interactionId.ToString("D20", CultureInfo.InvariantCulture);

    private static string MemberRowKey(string raidId, ulong userId) => $"{MemberPrefix}{raidId}|{userId.ToString("D20", CultureInfo.InvariantCulture)}";

    private static string MonthRowKey(GuildMonth month, ulong userId) => $"{MonthPrefix}{month}|{userId.ToString("D20", CultureInfo.InvariantCulture)}";

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
}
