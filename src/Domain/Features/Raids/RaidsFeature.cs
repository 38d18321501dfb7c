using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Raids;

/// <summary>
/// <c>/raid</c>, each raid's progress projection (<c>raids/progress:{raid}/{guild}</c>), the closer the
/// <c>raids-closer</c> timer runs, and the hall's <c>raiders</c>, with <see cref="RaidOptions"/> from <c>Raids__*</c>.
/// Its <see cref="IRaidStore"/> comes from the host (Storage's <c>AddStorage</c>).
/// </summary>
public sealed class RaidsFeature : IFeatureModule
{
    /// <summary>The feature's name in projection keys (<c>raids/…</c>).</summary>
    public const string FeatureName = "raids";

    public string Name => RaidCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<RaidOptions, RaidOptionsValidator>().Bind(feature.Configuration.GetSection(RaidOptions.SectionName));
        feature.Services.AddProjections(feature.Configuration);
        feature.Services.AddProjectionRenderer<RaidProgressRenderer>();
        feature.Services.AddMonthlyStandingsSource<RaidStandingsSource>();
        feature.Services.TryAddSingleton<RaidCloser>();
        feature.AddCommand<RaidCommand>(RaidCommand.Definition);
    }
}
