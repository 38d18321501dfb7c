using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Domain.Hosting;

namespace Serverless.Domain.DeferredWork;

public static class DeferredWorkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="DeferredWorkRunner"/> every process that runs deferred work shares, binding and
    /// validating <see cref="DeferredWorkOptions.SectionName"/>. Its <see cref="IDeferredCommandDecoder"/> and
    /// <see cref="Domain.Commands.IInteractionLedger"/> come from storage.
    /// </summary>
    public static IServiceCollection AddDeferredWork(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DeferredWorkOptions>().Bind(configuration.GetSection(DeferredWorkOptions.SectionName)).ValidateOnStartWith<DeferredWorkOptions, DeferredWorkOptionsValidator>();
        // Its meter comes from the host's IMeterFactory (AddMetrics; every generic host registers one).
        services.TryAddSingleton<DeferredWorkMetrics>();
        services.TryAddSingleton<DeferredWorkRunner>();
        return services;
    }
}
