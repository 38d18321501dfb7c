using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;

namespace Serverless.Domain.Features.Hall;

/// <summary>Gathers a guild month for the hall from every registered <see cref="IMonthlyStandingsSource"/> and the raids.</summary>
public sealed class HallMonths(IEnumerable<IMonthlyStandingsSource> sources, IRaidStore raids)
{
    private readonly IReadOnlyList<IMonthlyStandingsSource> _sources = [.. sources.OrderBy(source => source.Category, StringComparer.Ordinal)];

    public async Task<HallMonth> ReadAsync(ulong guildId, GuildMonth month, CancellationToken cancellationToken)
    {
        var sections = new List<HallSection>();
        foreach (var source in _sources)
        {
            var standings = await source.ListAsync(guildId, month, cancellationToken);
            sections.Add(new HallSection(source.Category, source.Title, source.Unit, HallBoard.Ranked(standings)));
        }

        return new HallMonth(month, sections, await raids.ListEndedAsync(guildId, month, cancellationToken));
    }
}
