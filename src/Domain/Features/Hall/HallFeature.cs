using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Hall;

/// <summary>
/// <c>/hall</c> and the live standings projection (<c>hall/standings/{guild}</c>) over every registered
/// <see cref="IMonthlyStandingsSource"/>; the month-end archive is the host's <c>hall-archiver</c> timer. Its
/// <see cref="IHallStore"/> comes from the host (Storage's <c>AddStorage</c>).
/// </summary>
public sealed class HallFeature : IFeatureModule
{
    public string Name => HallCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.Services.AddProjections(feature.Configuration);
        feature.Services.AddProjectionRenderer<HallStandingsRenderer>();
        feature.Services.TryAddSingleton<GuildCalendar>();
        feature.Services.TryAddSingleton<HallMonths>();
        feature.AddCommand<HallCommand>(HallCommand.Definition);
    }
}
