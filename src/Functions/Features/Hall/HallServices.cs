using Serverless.Domain.Hosting;

namespace Serverless.Functions.Features.Hall;

public static class HallServices
{
    /// <summary>
    /// The <c>hall-archiver</c> timer's work, paced by <see cref="HallArchiverOptions"/> from <c>Hall__*</c>. <c>/hall</c>,
    /// its standings and the sources come from the features (<c>HallFeature</c>, <c>RaidsFeature</c>, <c>DuelsFeature</c>).
    /// </summary>
    public static IServiceCollection AddHallArchiver(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HallArchiverOptions>().Bind(configuration.GetSection(HallArchiverOptions.SectionName)).ValidateOnStartWith<HallArchiverOptions, HallArchiverOptionsValidator>();
        services.TryAddSingleton<HallArchiver>();
        return services;
    }
}
