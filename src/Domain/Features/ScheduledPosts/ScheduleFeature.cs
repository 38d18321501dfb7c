using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// <c>/schedule</c> and the form its <c>create</c> opens, both answered inline, with its <see cref="ScheduleLimits"/>
/// bound from <c>ScheduledPosts__*</c>. Its store and Discord checks come from the host.
/// </summary>
public sealed class ScheduleFeature : IFeatureModule
{
    public string Name => ScheduleCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<ScheduleOptions, ScheduleOptionsValidator>().Bind(feature.Configuration.GetSection(ScheduleOptions.SectionName));
        feature.Services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<ScheduleOptions>>().Value.Limits);
        feature
            .AddCommand<ScheduleCommand>(ScheduleCommand.Definition)
            .AddForm<ScheduleCommand>(ScheduleDraft.Prefix);
    }
}
