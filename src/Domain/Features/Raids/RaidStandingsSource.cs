using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Raids;

/// <summary>The hall's <c>raiders</c>: each member's damage in the month, written with every attack.</summary>
public sealed class RaidStandingsSource(IRaidStore store) : IMonthlyStandingsSource
{
    public string Category => "raiders";

    public string Title => "Top raiders";

    public string Unit => "damage";

    public async Task<IReadOnlyList<MonthlyStanding>> ListAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        [.. (await store.ListMonthScoresAsync(guildId, month, cancellationToken))
            .Where(score => score.Damage > 0)
            .Select(score => new MonthlyStanding([score.UserId], score.Damage))];
}
