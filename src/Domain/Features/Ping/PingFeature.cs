using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Ping;

/// <summary><c>/ping</c>, answered inline.</summary>
public sealed class PingFeature : IFeatureModule
{
    public string Name => PingCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddCommand<PingCommand>(PingCommand.Definition);
    }
}
