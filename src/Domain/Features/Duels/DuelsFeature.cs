using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Duels;

/// <summary>
/// <c>/duel</c>, its buttons (<c>duel:</c>) and the guild scoreboard projection (<c>duels/scoreboard/{guild}</c>), with
/// <see cref="DuelOptions"/> bound from <c>Duels__*</c>. Its <see cref="IDuelStore"/> and the projections' store and
/// queue come from the host (Storage's <c>AddStorage</c>).
/// </summary>
public sealed class DuelsFeature : IFeatureModule
{
    /// <summary>The feature's name in projection keys (<c>duels/…</c>).</summary>
    public const string FeatureName = "duels";

    public string Name => DuelCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<DuelOptions, DuelOptionsValidator>().Bind(feature.Configuration.GetSection(DuelOptions.SectionName));
        feature.Services.AddProjections(feature.Configuration);
        feature.Services.AddProjectionRenderer<DuelScoreboardRenderer>();
        feature.Services.AddMonthlyStandingsSource<DuelStandingsSource>();
        feature
            .AddCommand<DuelCommand>(DuelCommand.Definition)
            .AddComponent<DuelButtons>(DuelText.Prefix);
    }
}
