using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// The weekly oracle: <c>/oracle</c>, the Answer button (<c>oracle:answer:</c>, inline: it opens a form), the answer
/// form (<c>oracle:form:</c>), the week's projection (<c>oracle/week:{yyyy-www}/{guild}</c>) and the publisher the
/// <c>oracle-publisher</c> timer runs, with <see cref="OracleOptions"/> bound from <c>Oracle__*</c>. Its
/// <see cref="IOracleStore"/> comes from the host (Storage's <c>AddStorage</c>).
/// </summary>
public sealed class OracleFeature : IFeatureModule
{
    /// <summary>The feature's name in projection keys (<c>oracle/…</c>).</summary>
    public const string FeatureName = "oracle";

    public string Name => OracleCommand.Name;

    public void Register(FeatureBuilder feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        feature.AddOptions<OracleOptions, OracleOptionsValidator>().Bind(feature.Configuration.GetSection(OracleOptions.SectionName));
        feature.Services.AddProjections(feature.Configuration);
        feature.Services.AddProjectionRenderer<OracleWeekRenderer>();
        feature.Services.TryAddSingleton<GuildCalendar>();
        feature.Services.TryAddSingleton<OraclePublisher>();
        feature
            .AddCommand<OracleCommand>(OracleCommand.Definition)
            .AddInlineComponent<OracleAnswerButton>(OracleText.ButtonPrefix)
            .AddForm<OracleAnswerForm>(OracleText.FormPrefix);
    }
}
