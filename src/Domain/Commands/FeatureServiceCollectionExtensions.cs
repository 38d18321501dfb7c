using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Domain.Commands;

public static class FeatureServiceCollectionExtensions
{
    /// <summary>
    /// Adds one feature: its routes to the <see cref="FeatureCatalog"/> and <see cref="InteractionRouter"/> (added here
    /// once), its handlers and services to <paramref name="services"/>, and its options bound from
    /// <paramref name="configuration"/> (null: every option keeps its default). The catalog is built when first resolved:
    /// the hosts' start-up validation does so, and refuses a clash (<see cref="FeatureConflictException"/>).
    /// </summary>
    public static IServiceCollection AddFeature(this IServiceCollection services, IFeatureModule feature, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(feature);
        var builder = new FeatureBuilder(feature.Name, services, configuration);
        feature.Register(builder);
        services.AddSingleton(builder.Build());
        services.TryAddSingleton(provider => new FeatureCatalog(provider.GetServices<FeatureRegistration>()));
        services.TryAddSingleton<InteractionRouter>();
        return services;
    }

    /// <summary>Adds every feature of <paramref name="features"/>, in order (the order of the manifest and <c>/help</c>).</summary>
    public static IServiceCollection AddFeatures(this IServiceCollection services, IEnumerable<IFeatureModule> features, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        foreach (var feature in features)
        {
            services.AddFeature(feature, configuration);
        }

        return services;
    }

    /// <summary>
    /// Only the routes of <paramref name="features"/>, without their handlers, options or services: for a process that
    /// reads the table (the companion's voice-queue runner) but runs none of the Functions app's handlers. Built when
    /// first resolved, as by the host's start-up validation.
    /// </summary>
    public static IServiceCollection AddFeatureCatalog(this IServiceCollection services, IEnumerable<IFeatureModule> features)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(features);
        IFeatureModule[] modules = [.. features];
        services.TryAddSingleton(_ => FeatureCatalog.From(modules));
        return services;
    }
}
