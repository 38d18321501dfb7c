using System.Globalization;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;

namespace Serverless.Domain.Tests.Support;

/// <summary>Raids in memory, ETag-guarded like the table store; an attack's rows are written all or nothing.</summary>
internal sealed class InMemoryRaidStore : IRaidStore
{
    private readonly Dictionary<(ulong, string), Raid> _raids = [];
    private readonly Dictionary<ulong, string> _active = [];
    private readonly Dictionary<(ulong, ulong), RaidAttack> _attacks = [];
    private readonly Dictionary<(ulong, string, ulong), RaidMember> _members = [];
    private readonly Dictionary<(ulong, GuildMonth, ulong), RaiderMonthScore> _scores = [];
    private int _etag;

    public int Attacks => _attacks.Count;

    public Task<Raid?> GetAsync(ulong guildId, string raidId, CancellationToken cancellationToken) =>
        Task.FromResult(_raids.GetValueOrDefault((guildId, raidId)));

    public Task<Raid?> GetActiveAsync(ulong guildId, CancellationToken cancellationToken) =>
        Task.FromResult(_active.TryGetValue(guildId, out var id) ? _raids.GetValueOrDefault((guildId, id)) : null);

    public Task<bool> TryStartAsync(Raid raid, CancellationToken cancellationToken)
    {
        if (_active.ContainsKey(raid.GuildId) || _raids.ContainsKey((raid.GuildId, raid.Id)))
        {
            return Task.FromResult(false);
        }

        _raids[(raid.GuildId, raid.Id)] = raid with { ETag = Next() };
        _active[raid.GuildId] = raid.Id;
        return Task.FromResult(true);
    }

    public Task<RaidAttack?> GetAttackAsync(ulong guildId, ulong interactionId, CancellationToken cancellationToken) =>
        Task.FromResult(_attacks.GetValueOrDefault((guildId, interactionId)));

    public Task<RaidMember> GetMemberAsync(ulong guildId, string raidId, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(_members.GetValueOrDefault((guildId, raidId, userId)) ?? RaidMember.Fresh(guildId, raidId, userId));

    public Task<RaiderMonthScore> GetMonthScoreAsync(ulong guildId, GuildMonth month, ulong userId, CancellationToken cancellationToken) =>
        Task.FromResult(_scores.GetValueOrDefault((guildId, month, userId)) ?? new RaiderMonthScore(guildId, month, userId, 0));

    public Task<bool> TryRecordAttackAsync(Raid raid, RaidAttack attack, RaidMember member, RaiderMonthScore score, CancellationToken cancellationToken)
    {
        if (_raids.GetValueOrDefault((raid.GuildId, raid.Id))?.ETag != raid.ETag
            || _attacks.ContainsKey((attack.GuildId, attack.InteractionId))
            || _members.GetValueOrDefault((member.GuildId, member.RaidId, member.UserId))?.ETag != member.ETag
            || _scores.GetValueOrDefault((score.GuildId, score.Month, score.UserId))?.ETag != score.ETag)
        {
            return Task.FromResult(false);
        }

        _raids[(raid.GuildId, raid.Id)] = raid with { ETag = Next() };
        _attacks[(attack.GuildId, attack.InteractionId)] = attack;
        _members[(member.GuildId, member.RaidId, member.UserId)] = member with { ETag = Next() };
        _scores[(score.GuildId, score.Month, score.UserId)] = score with { ETag = Next() };
        if (!raid.IsActive)
        {
            _active.Remove(raid.GuildId);
        }

        return Task.FromResult(true);
    }

    public Task<bool> TryEndAsync(Raid ended, CancellationToken cancellationToken)
    {
        if (_raids.GetValueOrDefault((ended.GuildId, ended.Id))?.ETag != ended.ETag || !_active.ContainsKey(ended.GuildId))
        {
            return Task.FromResult(false);
        }

        _raids[(ended.GuildId, ended.Id)] = ended with { ETag = Next() };
        _active.Remove(ended.GuildId);
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<RaidMember>> ListMembersAsync(ulong guildId, string raidId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RaidMember>>([.. _members.Values.Where(member => member.GuildId == guildId && member.RaidId == raidId)]);

    public Task<IReadOnlyList<RaiderMonthScore>> ListMonthScoresAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RaiderMonthScore>>([.. _scores.Values.Where(score => score.GuildId == guildId && score.Month == month)]);

    public Task<IReadOnlyList<Raid>> ListEndedAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Raid>>([.. _raids.Values.Where(raid => raid.GuildId == guildId && raid.EndedMonth == month).OrderBy(raid => raid.EndedAt)]);

    public Task<IReadOnlyList<Raid>> ListOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Raid>>([.. _active.Select(pair => _raids[(pair.Key, pair.Value)]).Where(raid => raid.EndsAt <= now)]);

    private string Next() => (++_etag).ToString(CultureInfo.InvariantCulture);
}
