using Serverless.Discord.Hosting;
using Serverless.Domain.Hosting;

namespace Serverless.Functions.Features.Housekeeping;

public static class HousekeepingServices
{
    /// <summary>
    /// The hourly retention sweep, with <see cref="HousekeepingOptions"/> bound from <c>Housekeeping__*</c>. Its
    /// <c>IRetentionStore</c> comes from <c>AddStorage</c>.
    /// </summary>
    public static IServiceCollection AddHousekeeping(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HousekeepingOptions>().Bind(configuration.GetSection(HousekeepingOptions.SectionName)).ValidateOnStartWith<HousekeepingOptions, HousekeepingOptionsValidator>();
        services.TryAddSingleton<HousekeepingTimer>();
        return services;
    }
}
