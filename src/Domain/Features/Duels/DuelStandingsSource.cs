using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Duels;

/// <summary>The hall's <c>duelists</c>: each member's duels won in the month, written with every settlement.</summary>
public sealed class DuelStandingsSource(IDuelStore store) : IMonthlyStandingsSource
{
    public string Category => "duelists";

    public string Title => "Top duelists";

    public string Unit => "wins";

    public Task<IReadOnlyList<MonthlyStanding>> ListAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken) =>
        store.ListMonthWinsAsync(guildId, month, cancellationToken);
}
