using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Hosting;

namespace Serverless.Domain.Projections;

public static class ProjectionServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ProjectionChanges"/> and <see cref="ProjectionOptions"/> (<c>Projections__*</c>). The store and queue
    /// come from the host (Storage's <c>AddStorage</c>). Safe to call from every feature that has a projection.
    /// </summary>
    public static IServiceCollection AddProjections(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ProjectionOptions>().Bind(configuration.GetSection(ProjectionOptions.SectionName)).ValidateOnStartWith<ProjectionOptions, ProjectionOptionsValidator>();
        services.TryAddSingleton<ProjectionChanges>();
        return services;
    }

    /// <summary>Registers one projection kind's renderer (a feature calls it from its module).</summary>
    public static IServiceCollection AddProjectionRenderer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRenderer>(this IServiceCollection services)
        where TRenderer : class, IProjectionRenderer
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProjectionRenderer, TRenderer>());
        return services;
    }
}
