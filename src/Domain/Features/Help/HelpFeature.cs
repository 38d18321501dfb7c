using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Help;

/// <summary><c>/help</c>, answered inline from the <see cref="FeatureCatalog"/>.</summary>
public sealed class HelpFeature : IFeatureModule
{
    public string Name => HelpCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddCommand<HelpCommand>(HelpCommand.Definition);
    }
}
