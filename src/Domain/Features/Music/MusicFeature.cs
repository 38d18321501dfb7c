using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Music;

/// <summary>
/// <c>/music</c> and the now-playing buttons: both deferred to the companion over the <c>voice</c> queue, where its
/// handler is registered under <see cref="MusicCommand.Name"/>. The Functions app only acknowledges and queues them.
/// </summary>
public sealed class MusicFeature : IFeatureModule
{
    public string Name => MusicCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature
            .AddCompanionCommand(MusicCommand.Definition)
            .AddCompanionComponent(MusicCommand.Buttons.Prefix);
    }
}
