using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Pairs;

/// <summary>The pairs' part of the monthly hall: each pair's days together in the month (both members' ids).</summary>
public sealed class PairStandingsSource(IPairStore store) : IMonthlyStandingsSource
{
    public string Category => PairsFeature.FeatureName;

    public string Title => "Top pairs";

    public string Unit => "days together";

    public async Task<IReadOnlyList<MonthlyStanding>> ListAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var scores = await store.ListMonthAsync(guildId, month, cancellationToken);
        return [.. scores.Where(score => score.Days > 0).Select(score => new MonthlyStanding([score.FirstMemberId, score.SecondMemberId], score.Days))];
    }
}
