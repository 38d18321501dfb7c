using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Pairs;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Pairs;

/// <summary>
/// Table <c>pairs</c>: a partition per guild holding its pairs (RowKey <c>pair|{id}</c>), each member's pointer to
/// their pair (<c>member|{user id:D20}</c>) and each pair's monthly score (<c>month|{yyyy-MM}|{pair id}</c>), so an
/// invite writes the pair with both pointers, and a counted day the pair with its month, in one transaction.
/// </summary>
public sealed class TablePairStore(StorageAccount account) : IPairStore
{
    public const string TableName = "pairs";
    private const string PairPrefix = "pair|";
    private const string MemberPrefix = "member|";
    private const string MonthPrefix = "month|";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<Pair?> GetAsync(ulong guildId, string pairId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), PairPrefix + pairId, cancellationToken);
        return row is null ? null : ToPair(row, guildId);
    }

    public async Task<PairMembership?> GetMembershipAsync(ulong guildId, ulong userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), MemberRowKey(userId), cancellationToken);
        return row?.GetString("PairId") is { } pairId ? new PairMembership(guildId, userId, pairId) { ETag = row.ETag.ToString() } : null;
    }

    public Task<bool> TryCreateAsync(Pair pair, PairMembership inviter, PairMembership invitee, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(inviter);
        ArgumentNullException.ThrowIfNull(invitee);
        return SubmitAsync(
            [
                Write(ToRow(pair), etag: null),
                Write(ToRow(inviter), inviter.ETag),
                Write(ToRow(invitee), invitee.ETag),
            ],
            cancellationToken);
    }

    public Task<bool> TryUpdateAsync(Pair pair, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return Table.TryInsertOrReplaceAsync(ToRow(pair), pair.ETag is { } etag ? new ETag(etag) : null, cancellationToken);
    }

    public async Task<PairMonthScore> GetMonthAsync(Pair pair, GuildMonth month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var row = await Table.GetOrNullAsync(Id(pair.GuildId), MonthRowKey(month, pair.Id), cancellationToken);
        return row is null
            ? new PairMonthScore(pair.GuildId, pair.Id, month, pair.InviterId, pair.InviteeId, 0)
            : ToScore(row, pair.GuildId, month);
    }

    public Task<bool> TryCheckInAsync(Pair pair, PairMonthScore? month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        List<TableTransactionAction> actions = [Write(ToRow(pair), pair.ETag)];
        if (month is not null)
        {
            actions.Add(Write(ToRow(month), month.ETag));
        }

        return SubmitAsync(actions, cancellationToken);
    }

    public async Task<IReadOnlyList<PairMonthScore>> ListMonthAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var prefix = $"{MonthPrefix}{month}|";
        var end = prefix[..^1] + "}";
        var scores = new List<PairMonthScore>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(guildId)} and RowKey gt {prefix} and RowKey lt {end}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                scores.Add(ToScore(row, guildId, month));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return scores;
    }

    private async Task<bool> SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await Table.WithTableAsync(() => Table.SubmitTransactionAsync(actions, cancellationToken), cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException exception) when (exception.Status is 412 or 409)
        {
            return false;
        }
    }

    private static TableTransactionAction Write(TableEntity row, string? etag) => etag is { } match
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(match))
        : new TableTransactionAction(TableTransactionActionType.Add, row);

    private static string MemberRowKey(ulong userId) => MemberPrefix + userId.ToString("D20", CultureInfo.InvariantCulture);

    private static string MonthRowKey(GuildMonth month, string pairId) => $"{MonthPrefix}{month}|{pairId}";

    private static TableEntity ToRow(Pair pair) => new(Id(pair.GuildId), PairPrefix + pair.Id)
    {
        ["InviterId"] = Id(pair.InviterId),
        ["InviteeId"] = Id(pair.InviteeId),
        ["Status"] = pair.Status.ToString(),
        ["CreatedAt"] = pair.CreatedAt,
        ["ExpiresAt"] = pair.ExpiresAt,
        ["FormedAt"] = pair.FormedAt,
        ["EndedAt"] = pair.EndedAt,
        ["EndedBy"] = pair.EndedBy is { } by ? Id(by) : null,
        ["InviterLastDay"] = Day(pair.InviterLastDay),
        ["InviteeLastDay"] = Day(pair.InviteeLastDay),
        ["CurrentStreak"] = pair.CurrentStreak,
        ["BestStreak"] = pair.BestStreak,
        ["TotalDays"] = pair.TotalDays,
        ["LastCountedDay"] = Day(pair.LastCountedDay),
        ["Recent"] = string.Join(';', pair.Recent.Select(checkIn => $"{Day(checkIn.Day)}@{Id(checkIn.UserId)}")),
    };

    private static TableEntity ToRow(PairMembership membership) => new(Id(membership.GuildId), MemberRowKey(membership.UserId))
    {
        ["PairId"] = membership.PairId,
    };

    private static TableEntity ToRow(PairMonthScore score) => new(Id(score.GuildId), MonthRowKey(score.Month, score.PairId))
    {
        ["PairId"] = score.PairId,
        ["FirstMemberId"] = Id(score.FirstMemberId),
        ["SecondMemberId"] = Id(score.SecondMemberId),
        ["Days"] = score.Days,
    };

    private static Pair ToPair(TableEntity row, ulong guildId) => new()
    {
        GuildId = guildId,
        Id = row.RowKey[PairPrefix.Length..],
        InviterId = ParseId(row.GetString("InviterId")),
        InviteeId = ParseId(row.GetString("InviteeId")),
        Status = Enum.TryParse<PairStatus>(row.GetString("Status"), out var status) ? status : PairStatus.Ended,
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        FormedAt = row.GetDateTimeOffset("FormedAt"),
        EndedAt = row.GetDateTimeOffset("EndedAt"),
        EndedBy = row.GetString("EndedBy") is { } by ? ParseId(by) : null,
        InviterLastDay = ParseDay(row.GetString("InviterLastDay")),
        InviteeLastDay = ParseDay(row.GetString("InviteeLastDay")),
        CurrentStreak = row.GetInt32("CurrentStreak") ?? 0,
        BestStreak = row.GetInt32("BestStreak") ?? 0,
        TotalDays = row.GetInt32("TotalDays") ?? 0,
        LastCountedDay = ParseDay(row.GetString("LastCountedDay")),
        Recent = ParseRecent(row.GetString("Recent")),
        ETag = row.ETag.ToString(),
    };

    private static PairMonthScore ToScore(TableEntity row, ulong guildId, GuildMonth month) =>
        new(guildId, row.GetString("PairId") ?? "", month, ParseId(row.GetString("FirstMemberId")), ParseId(row.GetString("SecondMemberId")), row.GetInt32("Days") ?? 0)
        {
            ETag = row.ETag.ToString(),
        };

    private static List<PairCheckIn> ParseRecent(string? text)
    {
        var recent = new List<PairCheckIn>();
        foreach (var entry in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.Split('@') is [var day, var user] && ParseDay(day) is { } parsed)
            {
                recent.Add(new PairCheckIn(ParseId(user), parsed));
            }
        }

        return recent;
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
}
