using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;

namespace Serverless.Domain.Features.Admin;

/// <summary>
/// <c>/admin</c>: the operator controls (kill switches, guild blocks, command limits, the audit record) for the bot's
/// owners, in any guild or in a DM. The host provides <see cref="IOperatorControlStore"/> (Storage's <c>AddStorage</c>)
/// and, optionally, <see cref="ICommandLimitStore"/> and <see cref="IApplicationOwnerLookup"/>.
/// </summary>
public sealed class AdminFeature : IFeatureModule
{
    public string Name => AdminCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<AdminOptions, AdminOptionsValidator>().Bind(feature.Configuration.GetSection(AdminOptions.SectionName));
        feature.Services.TryAddSingleton(provider => new BotOwners(
            provider.GetRequiredService<IOptions<AdminOptions>>(),
            provider.GetService<IApplicationOwnerLookup>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        feature.Services.TryAddSingleton(provider => new OperatorControlChanges(
            provider.GetRequiredService<IOperatorControlStore>(),
            provider.GetService<ICommandLimitStore>(),
            provider.GetRequiredService<FeatureCatalog>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        feature.AddCommand<AdminCommand>(AdminCommand.Definition);
    }
}
