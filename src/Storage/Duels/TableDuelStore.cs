using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Duels;

/// <summary>
/// Table <c>duels</c>: a partition per guild holding its duels (RowKey <c>duel|{id}</c>) and its players' ratings
/// (<c>player|{user id:D20}</c>) and one row per win in its guild month (<c>win|{yyyy-MM}|{duel id}</c>, for the
/// hall's <c>duelists</c>), so a settlement writes the duel, both ratings and the win in one transaction.
/// </summary>
public sealed class TableDuelStore(StorageAccount account) : IDuelStore
{
    public const string TableName = "duels";
    private const string DuelPrefix = "duel|";
    private const string PlayerPrefix = "player|";
    private const string WinPrefix = "win|";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task CreateAsync(Duel duel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(duel);
        if (!await Table.TryInsertOrReplaceAsync(ToRow(duel), etag: null, cancellationToken))
        {
            throw new InvalidOperationException($"Duel {duel.Id} already exists in guild {duel.GuildId}.");
        }
    }

    public async Task<Duel?> GetAsync(ulong guildId, string duelId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), DuelPrefix + duelId, cancellationToken);
        return row is null ? null : ToDuel(row, guildId);
    }

    public Task<bool> TryUpdateAsync(Duel duel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(duel);
        return Table.TryInsertOrReplaceAsync(ToRow(duel), ETagOf(duel.ETag), cancellationToken);
    }

    public async Task<PlayerRating> GetRatingAsync(ulong guildId, ulong userId, CancellationToken cancellationToken)
    {
        var row = await Table.GetOrNullAsync(Id(guildId), PlayerRowKey(userId), cancellationToken);
        return row is null ? PlayerRating.Start(guildId, userId) : ToRating(row, guildId);
    }

    public async Task<bool> TrySettleAsync(Duel settled, PlayerRating winner, PlayerRating loser, GuildMonth month, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settled);
        ArgumentNullException.ThrowIfNull(winner);
        ArgumentNullException.ThrowIfNull(loser);

        // The win row is keyed by the duel, and added (never replaced): a duel can count once in a month.
        var win = new TableEntity(Id(settled.GuildId), $"{WinPrefix}{month}|{settled.Id}")
        {
            ["WinnerId"] = Id(winner.UserId),
            ["Month"] = month.ToString(),
        };
        List<TableTransactionAction> actions =
        [
            Write(ToRow(settled), settled.ETag),
            Write(ToRow(winner), winner.ETag),
            Write(ToRow(loser), loser.ETag),
            new TableTransactionAction(TableTransactionActionType.Add, win),
        ];
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

    public async Task<IReadOnlyList<PlayerRating>> ListRatingsAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var ratings = new List<PlayerRating>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(guildId)} and RowKey ge {PlayerPrefix} and RowKey lt {"player}"}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                ratings.Add(ToRating(row, guildId));
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return ratings;
    }

    public async Task<IReadOnlyList<MonthlyStanding>> ListMonthWinsAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var wins = new Dictionary<ulong, long>();
        try
        {
            var prefix = $"{WinPrefix}{month}|";
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(guildId)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["WinnerId"], cancellationToken: cancellationToken))
            {
                var winner = ParseId(row.GetString("WinnerId"));
                wins[winner] = wins.GetValueOrDefault(winner) + 1;
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return [.. wins.Select(pair => new MonthlyStanding([pair.Key], pair.Value))];
    }

    private static TableTransactionAction Write(TableEntity row, string? etag) => etag is { } match
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(match))
        : new TableTransactionAction(TableTransactionActionType.Add, row);

    private static string PlayerRowKey(ulong userId) => PlayerPrefix + userId.ToString("D20", CultureInfo.InvariantCulture);

    private static TableEntity ToRow(Duel duel) => new(Id(duel.GuildId), DuelPrefix + duel.Id)
    {
        ["ChallengerId"] = Id(duel.ChallengerId),
        ["OpponentId"] = Id(duel.OpponentId),
        ["Status"] = duel.Status.ToString(),
        ["CreatedAt"] = duel.CreatedAt,
        ["ExpiresAt"] = duel.ExpiresAt,
        ["ChallengerWon"] = duel.ChallengerWon,
        ["OpponentWon"] = duel.OpponentWon,
        ["WinnerId"] = duel.WinnerId is { } winner ? Id(winner) : null,
        ["SettledBy"] = duel.SettledBy is { } moderator ? Id(moderator) : null,
        ["RatingChange"] = duel.RatingChange,
    };

    private static TableEntity ToRow(PlayerRating rating) => new(Id(rating.GuildId), PlayerRowKey(rating.UserId))
    {
        ["UserId"] = Id(rating.UserId),
        ["Rating"] = rating.Rating,
        ["Wins"] = rating.Wins,
        ["Losses"] = rating.Losses,
    };

    private static Duel ToDuel(TableEntity row, ulong guildId) => new()
    {
        GuildId = guildId,
        Id = row.RowKey[DuelPrefix.Length..],
        ChallengerId = ParseId(row.GetString("ChallengerId")),
        OpponentId = ParseId(row.GetString("OpponentId")),
        Status = Enum.TryParse<DuelStatus>(row.GetString("Status"), out var status) ? status : DuelStatus.Expired,
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        ChallengerWon = row.GetBoolean("ChallengerWon"),
        OpponentWon = row.GetBoolean("OpponentWon"),
        WinnerId = row.GetString("WinnerId") is { } winner ? ParseId(winner) : null,
        SettledBy = row.GetString("SettledBy") is { } moderator ? ParseId(moderator) : null,
        RatingChange = row.GetInt32("RatingChange"),
        ETag = row.ETag.ToString(),
    };

    private static PlayerRating ToRating(TableEntity row, ulong guildId) =>
        new(guildId, ParseId(row.GetString("UserId")), row.GetInt32("Rating") ?? Elo.StartRating, row.GetInt32("Wins") ?? 0, row.GetInt32("Losses") ?? 0)
        {
            ETag = row.ETag.ToString(),
        };

    private static ETag? ETagOf(string? etag) => etag is null ? null : new ETag(etag);

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
}
