using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Credentials;
using Serverless.Discord.Permissions;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Admin;
using Serverless.Domain.Hosting;
using Serverless.Domain.Permissions;
using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Hosting;

public static class DiscordServiceCollectionExtensions
{
    public const string UserAgent = "DiscordBot (https://github.com/serverless-discord-bot, 0.1)";

    /// <summary>
    /// Registers <see cref="DiscordRestClient"/> (a singleton) over the named <see cref="HttpClient"/> <see cref="DiscordRestClient.HttpClientName"/>
    /// configured from <see cref="DiscordOptions"/>,
    /// with telemetry (outermost: the <see cref="Serverless.Domain.Telemetry.TelemetryNames.DiscordRest"/> span and meter),
    /// retries and circuit breaker, and the shared rate limiter (inner) as handlers.
    /// Rate-limit state lives in <see cref="IRateLimitStore"/>: in memory unless storage registered a shared one first.
    /// Also registers <see cref="BotChannelPermissions"/>, which reads through that client.
    /// </summary>
    /// <remarks>
    /// Binds <see cref="DiscordOptions.SectionName"/> (validated by the host's own rules, such as
    /// <see cref="DiscordOptionsValidator"/>) and <see cref="DiscordRateLimitOptions.SectionName"/> (validated at start).
    /// </remarks>
    /// <summary>
    /// Registers the rotating <see cref="DiscordCredentials"/>: the token read from Key Vault, a file or the setting
    /// (<see cref="BotTokenSources"/>), read again after a refusal at most once per <see cref="DiscordOptions.TokenRefreshMinInterval"/>.
    /// </summary>
    public static IServiceCollection TryAddDiscordCredentials(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<DiscordOptions>>();
            return new DiscordCredentials(
                BotTokenSources.FromOptions(options),
                provider.GetRequiredService<TimeProvider>(),
                options.CurrentValue.TokenRefreshMinInterval,
                provider.GetService<ILogger<DiscordCredentials>>());
        });
        return services;
    }

    public static IHttpClientBuilder AddDiscordRest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DiscordOptions>().Bind(configuration.GetSection(DiscordOptions.SectionName));
        services.AddOptions<DiscordRateLimitOptions>().Bind(configuration.GetSection(DiscordRateLimitOptions.SectionName)).ValidateOnStartWith<DiscordRateLimitOptions, DiscordRateLimitOptionsValidator>();
        services.TryAddSingleton<IRateLimitStore>(_ => new InMemoryRateLimitStore());
        services.TryAddSingleton<DiscordTokenState>();
        services.TryAddSingleton<RateLimitCoordinator>();
        services.TryAddSingleton<InvalidRequestBudget>();
        services.TryAddSingleton<DiscordResiliencePipeline>();
        services.AddMetrics();
        services.TryAddSingleton<DiscordRestMetrics>();
        services.TryAddTransient<DiscordRestTelemetryHandler>();
        services.TryAddTransient<DiscordResilienceHandler>();
        services.TryAddTransient<DiscordRateLimitHandler>();
        services.TryAddDiscordCredentials();

        // A singleton: it asks the factory for the named client on each call, so handlers still rotate.
        services.TryAddSingleton(provider => new DiscordRestClient(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<DiscordCredentials>(),
            provider.GetRequiredService<ILogger<DiscordRestClient>>()));
        services.TryAddSingleton<BotChannelPermissions>();
        services.TryAddSingleton<IChannelPostingCheck>(provider => provider.GetRequiredService<BotChannelPermissions>());
        services.TryAddSingleton<IMemberPermissionLookup>(provider => provider.GetRequiredService<BotChannelPermissions>());

        // Who may run /admin when Bot__Owners is unset.
        services.TryAddSingleton<IApplicationOwnerLookup, DiscordApplicationOwnerLookup>();

        return services.AddHttpClient(DiscordRestClient.HttpClientName, (provider, client) =>
            {
                var baseUrl = provider.GetRequiredService<IOptions<DiscordOptions>>().Value.ApiBaseUrl.TrimEnd('/') + "/";
                client.BaseAddress = new Uri(baseUrl);
                // Only a backstop: each network attempt has its own timeout, and waiting for a rate-limit slot
                // is bounded by DiscordRateLimitOptions.MaxWait and the caller's token.
                client.Timeout = TimeSpan.FromMinutes(2);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            // The default HttpClient logs print request URLs, and interaction webhook URLs hold tokens.
            // Retries outside the limiter: every attempt waits for its own slot, and 429s (handled by the
            // limiter) never reach the circuit breaker as failures.
            // Outermost: one span and one duration per call, whatever retries and waits happen inside.
            .AddHttpMessageHandler<DiscordRestTelemetryHandler>()
            .AddHttpMessageHandler<DiscordResilienceHandler>()
            .AddHttpMessageHandler<DiscordRateLimitHandler>()
            .RemoveAllLoggers();
    }
}
