using Serverless.Domain.Projections;

namespace Serverless.Functions.Features.Projections;

public static class ProjectionServices
{
    /// <summary>
    /// The projection refresher over queue <c>projections</c>, paced by <see cref="ProjectionOptions"/> bound from
    /// <c>Projections__*</c>. Its store and queue come from <c>AddStorage</c>; the renderers from the features that own
    /// projections (their modules call <c>AddProjectionRenderer</c>).
    /// </summary>
    public static IServiceCollection AddProjectionRefresher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddProjections(configuration);
        services.TryAddSingleton<ProjectionMetrics>();
        services.TryAddSingleton<ProjectionRefresher>();
        return services;
    }
}
