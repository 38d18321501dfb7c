using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// <c>/pair</c>, its buttons (<c>pair:</c>), each pair's panel projection (<c>pairs/home:{pairId}/{guild}</c>) and the
/// pairs' monthly standings, with <see cref="PairOptions"/> bound from <c>Pairs__*</c>. Its <see cref="IPairStore"/>
/// comes from the host (Storage's <c>AddStorage</c>).
/// </summary>
public sealed class PairsFeature : IFeatureModule
{
    /// <summary>The feature's name in projection keys (<c>pairs/…</c>) and its standings category.</summary>
    public const string FeatureName = "pairs";

    public string Name => PairCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<PairOptions, PairOptionsValidator>().Bind(feature.Configuration.GetSection(PairOptions.SectionName));
        feature.Services.AddProjections(feature.Configuration);
        feature.Services.AddProjectionRenderer<PairHomeRenderer>();
        feature.Services.AddMonthlyStandingsSource<PairStandingsSource>();
        feature.Services.TryAddSingleton<PairCheckIns>();
        feature
            .AddCommand<PairCommand>(PairCommand.Definition)
            .AddComponent<PairButtons>(PairText.Prefix);
    }
}
