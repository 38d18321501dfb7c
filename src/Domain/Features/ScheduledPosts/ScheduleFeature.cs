using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// <c>/schedule</c> and the form its <c>create</c> opens, both answered inline. Its store, Discord checks and
/// <see cref="ScheduleLimits"/> come from the host.
/// </summary>
public sealed class ScheduleFeature : IFeatureModule
{
    public string Name => ScheduleCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature
            .AddCommand<ScheduleCommand>(ScheduleCommand.Definition)
            .AddForm<ScheduleCommand>(ScheduleDraft.Prefix);
    }
}
