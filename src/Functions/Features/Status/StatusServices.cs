using Serverless.Discord.Hosting;
using Serverless.Domain.Features.Status;
using Serverless.Domain.Hosting;

namespace Serverless.Functions.Features.Status;

public static class StatusServices
{
    /// <summary>
    /// The probes <c>/status</c> and the health routes read, over this host's clients: Discord's (its recheck interval
    /// is <see cref="Health.HealthOptions"/>', bound by <see cref="Health.HealthServices.AddHealthRoutes"/>) and the
    /// companion's heartbeat (its <c>ICompanionHeartbeatStore</c> and the storage probe come from <c>AddStorage</c>),
    /// with <see cref="CompanionStatusOptions"/> bound from <c>Companion__*</c>.
    /// </summary>
    public static IServiceCollection AddStatusProbes(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<IDiscordStatusProbe, DiscordStatusProbe>();
        services.AddOptions<CompanionStatusOptions>().Bind(configuration.GetSection(CompanionStatusOptions.SectionName)).ValidateOnStartWith<CompanionStatusOptions, CompanionStatusOptionsValidator>();
        services.TryAddSingleton<ICompanionStatusProbe, CompanionStatusProbe>();
        return services;
    }
}
