using System.Globalization;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Pairs;

namespace Serverless.Domain.Tests.Support;

/// <summary>Pairs, memberships and monthly scores in memory, ETag-guarded like the table store; transactions are all or nothing.</summary>
internal sealed class InMemoryPairStore : IPairStore
{
    private readonly Dictionary<string, object> _rows = [];
    private readonly Dictionary<string, string> _etags = [];
    private int _etag;

    public Task<Pair?> GetAsync(ulong guildId, string pairId, CancellationToken cancellationToken) =>
        Task.FromResult(Get<Pair>(PairKey(guildId, pairId)) is { } pair ? pair with { ETag = _etags[PairKey(guildId, pairId)] } : null);

    public Task<PairMembership?> GetMembershipAsync(ulong guildId, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(Get<PairMembership>(MemberKey(guildId, userId)) is { } membership ? membership with { ETag = _etags[MemberKey(guildId, userId)] } : null);

    public Task<bool> TryCreateAsync(Pair pair, PairMembership inviter, PairMembership invitee, CancellationToken cancellationToken) =>
        Task.FromResult(Commit((PairKey(pair.GuildId, pair.Id), pair, null), (MemberKey(inviter.GuildId, inviter.UserId), inviter, inviter.ETag), (MemberKey(invitee.GuildId, invitee.UserId), invitee, invitee.ETag)));

    public Task<bool> TryUpdateAsync(Pair pair, CancellationToken cancellationToken) =>
        Task.FromResult(Commit((PairKey(pair.GuildId, pair.Id), pair, pair.ETag)));

    public Task<PairMonthScore> GetMonthAsync(Pair pair, GuildMonth month, CancellationToken cancellationToken)
    {
        var key = MonthKey(pair.GuildId, month, pair.Id);
        return Task.FromResult(Get<PairMonthScore>(key) is { } score
            ? score with { ETag = _etags[key] }
            : new PairMonthScore(pair.GuildId, pair.Id, month, pair.InviterId, pair.InviteeId, 0));
    }

    public Task<bool> TryCheckInAsync(Pair pair, PairMonthScore? month, CancellationToken cancellationToken) =>
        Task.FromResult(month is null
            ? Commit((PairKey(pair.GuildId, pair.Id), pair, pair.ETag))
            : Commit((PairKey(pair.GuildId, pair.Id), pair, pair.ETag), (MonthKey(month.GuildId, month.Month, month.PairId), month, month.ETag)));

    public Task<IReadOnlyList<PairMonthScore>> ListMonthAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PairMonthScore>>([.. _rows.Values.OfType<PairMonthScore>().Where(score => score.GuildId == guildId && score.Month == month)]);

    /// <summary>Writes every row when each one's ETag matches (null: must not exist).</summary>
    private bool Commit(params (string Key, object Row, string? ETag)[] writes)
    {
        if (writes.Any(write => _etags.GetValueOrDefault(write.Key) != write.ETag))
        {
            return false;
        }

        foreach (var (key, row, _) in writes)
        {
            _rows[key] = row;
            _etags[key] = (++_etag).ToString(CultureInfo.InvariantCulture);
        }

        return true;
    }

    private T? Get<T>(string key) where T : class => _rows.GetValueOrDefault(key) as T;

    private static string PairKey(ulong guildId, string pairId) => $"{guildId}/pair/{pairId}";

    private static string MemberKey(ulong guildId, ulong userId) => $"{guildId}/member/{userId}";

    private static string MonthKey(ulong guildId, GuildMonth month, string pairId) => $"{guildId}/month/{month}/{pairId}";
}
