using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Commands;

namespace Serverless.Functions.Tests.Support;

/// <summary>
/// A test-only feature of one command whose handler is the given instance, so a test can count or shape what it
/// answers. Run by the Functions app, or by the companion when the definition says <see cref="CommandResponseMode.DeferredToVoice"/>
/// (the instance is then registered but never routed to).
/// </summary>
internal sealed class SingleCommandFeature<THandler>(CommandDefinition definition, THandler handler) : IFeatureModule
    where THandler : class, ICommandHandler
{
    public string Name => definition.Name;

    public void Register(FeatureBuilder feature)
    {
        feature.Services.AddSingleton(handler);
        if (definition.ResponseMode == CommandResponseMode.DeferredToVoice)
        {
            feature.AddCompanionCommand(definition);
        }
        else
        {
            feature.AddCommand<THandler>(definition);
        }
    }
}
