using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Status;

/// <summary>
/// <c>/status</c>, deferred to the Functions worker. Its probes (<see cref="IStorageStatusProbe"/>,
/// <see cref="IDiscordStatusProbe"/>, <see cref="ICompanionStatusProbe"/>) come from the host, which owns the clients (the Functions app's <c>AddStatusProbes</c>).
/// </summary>
public sealed class StatusFeature : IFeatureModule
{
    public string Name => StatusCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddCommand<StatusCommand>(StatusCommand.Definition);
    }
}
