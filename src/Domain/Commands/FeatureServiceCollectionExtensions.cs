using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Domain.Commands;

public static class FeatureServiceCollectionExtensions
{
    /// <summary>
    /// Adds one feature: its routes to the <see cref="FeatureCatalog"/> and <see cref="InteractionRouter"/> (added here
    /// once) and its handlers and services to <paramref name="services"/>.
    /// </summary>
    public static IServiceCollection AddFeature(this IServiceCollection services, IFeatureModule feature)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(feature);
        var builder = new FeatureBuilder(feature.Name, services);
        feature.Register(builder);
        services.AddSingleton(builder.Build());
        services.TryAddSingleton(provider => new FeatureCatalog(provider.GetServices<FeatureRegistration>()));
        services.TryAddSingleton<InteractionRouter>();
        return services;
    }

    /// <summary>Adds every feature of <paramref name="features"/>, in order (the order of the manifest and <c>/help</c>).</summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services, IEnumerable<IFeatureModule> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        foreach (var feature in features)
        {
            services.AddFeature(feature);
        }

        return services;
    }

    /// <summary>
    /// Only the routes of <paramref name="features"/>, without their handlers or services: for a process that reads the
    /// table (the companion's voice-queue runner) but runs none of the Functions app's handlers.
    /// </summary>
    public static IServiceCollection AddFeatureCatalog(this IServiceCollection services, IEnumerable<IFeatureModule> features)
    {
        ArgumentNullException.ThrowIfNull(services);
        var catalog = FeatureCatalog.From(features);
        services.TryAddSingleton(catalog);
        return services;
    }
}
