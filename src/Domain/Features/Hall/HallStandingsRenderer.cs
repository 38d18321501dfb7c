using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Hall;

/// <summary>The live standings (projection <c>hall/standings/{guild}</c>) for the month the hall's row shows.</summary>
public sealed class HallStandingsRenderer(IHallStore store, HallMonths months) : IProjectionRenderer
{
    public string Feature => MonthlyStandings.Feature;

    public string Kind => "standings";

    public async Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (await store.GetAsync(key.GuildId, cancellationToken) is not { } hall)
        {
            return new ProjectionContent("The hall is not set up here. A moderator sets it up with `/hall setup`.");
        }

        return HallBoard.Standings(await months.ReadAsync(key.GuildId, hall.ShownMonth, cancellationToken));
    }
}
