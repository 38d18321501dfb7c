using System.Globalization;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;

namespace Serverless.Domain.Tests.Support;

/// <summary>Duels and ratings in memory, ETag-guarded like the table store; a settlement is all or nothing.</summary>
internal sealed class InMemoryDuelStore : IDuelStore
{
    private readonly Dictionary<string, Duel> _duels = [];
    private readonly Dictionary<(ulong, ulong), PlayerRating> _ratings = [];
    private readonly Dictionary<(ulong Guild, GuildMonth Month, string Duel), ulong> _wins = [];
    private int _etag;

    public Task CreateAsync(Duel duel, CancellationToken cancellationToken)
    {
        _duels.Add(duel.Id, duel with { ETag = Next() });
        return Task.CompletedTask;
    }

    public Task<Duel?> GetAsync(ulong guildId, string duelId, CancellationToken cancellationToken) =>
        Task.FromResult(_duels.GetValueOrDefault(duelId) is { } duel && duel.GuildId == guildId ? duel : null);

    public Task<bool> TryUpdateAsync(Duel duel, CancellationToken cancellationToken)
    {
        if (_duels.GetValueOrDefault(duel.Id)?.ETag != duel.ETag)
        {
            return Task.FromResult(false);
        }

        _duels[duel.Id] = duel with { ETag = Next() };
        return Task.FromResult(true);
    }

    public Task<PlayerRating> GetRatingAsync(ulong guildId, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(_ratings.GetValueOrDefault((guildId, userId)) ?? PlayerRating.Start(guildId, userId));

    public Task<bool> TrySettleAsync(Duel settled, PlayerRating winner, PlayerRating loser, GuildMonth month, CancellationToken cancellationToken)
    {
        if (_duels.GetValueOrDefault(settled.Id)?.ETag != settled.ETag
            || _wins.ContainsKey((settled.GuildId, month, settled.Id))
            || _ratings.GetValueOrDefault((winner.GuildId, winner.UserId))?.ETag != winner.ETag
            || _ratings.GetValueOrDefault((loser.GuildId, loser.UserId))?.ETag != loser.ETag)
        {
            return Task.FromResult(false);
        }

        _duels[settled.Id] = settled with { ETag = Next() };
        _ratings[(winner.GuildId, winner.UserId)] = winner with { ETag = Next() };
        _ratings[(loser.GuildId, loser.UserId)] = loser with { ETag = Next() };
        _wins[(settled.GuildId, month, settled.Id)] = winner.UserId;
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<MonthlyStanding>> ListMonthWinsAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MonthlyStanding>>([.. _wins
            .Where(win => win.Key.Guild == guildId && win.Key.Month == month)
            .GroupBy(win => win.Value)
            .Select(group => new MonthlyStanding([group.Key], group.Count()))]);

    public Task<IReadOnlyList<PlayerRating>> ListRatingsAsync(ulong guildId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PlayerRating>>([.. _ratings.Values.Where(rating => rating.GuildId == guildId)]);

    private string Next() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
