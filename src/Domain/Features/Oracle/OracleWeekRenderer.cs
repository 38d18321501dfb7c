using Microsoft.Extensions.Options;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Oracle;

/// <summary>The week's message (<c>oracle/week:{yyyy-www}/{guild}</c>), from the stored edition and answers only.</summary>
public sealed class OracleWeekRenderer(IOracleStore store, IOptions<OracleOptions> options) : IProjectionRenderer
{
    public string Feature => OracleFeature.FeatureName;

    public string Kind => OracleText.WeekKind;

    public async Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Subject.Split(':', 2) is not [_, var text] || !OracleWeek.TryParse(text, out var week)
            || await store.GetEditionAsync(key.GuildId, week.Value, cancellationToken) is not { } edition)
        {
            return new ProjectionContent("This week's oracle no longer exists.");
        }

        var answers = await store.ListAnswersAsync(key.GuildId, week.Value, cancellationToken);
        return OracleText.Render(edition, answers, options.Value.AnswersShown);
    }
}
