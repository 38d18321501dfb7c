using Serverless.Discord.Hosting;
using Serverless.Domain.Hosting;

namespace Serverless.Functions.Features.Health;

public static class HealthServices
{
    /// <summary>
    /// <c>/api/healthz</c>'s probe cache, with <see cref="HealthOptions"/> bound from <c>Health__*</c>. The routes are
    /// anonymous or cheap to reach, so they read the probes (<see cref="Status.StatusServices.AddStatusProbes"/>)
    /// through a per-instance cache.
    /// </summary>
    public static IServiceCollection AddHealthRoutes(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateOnStartWith<HealthOptions, HealthOptionsValidator>();
        services.TryAddSingleton<HealthProbeCache>();
        return services;
    }
}
