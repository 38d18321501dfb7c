using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Permissions;
using Serverless.Discord.Rest;
using Serverless.Domain.Permissions;
using Serverless.Domain.RateLimiting;

namespace Serverless.Discord.Hosting;

public static class DiscordServiceCollectionExtensions
{
    public const string UserAgent = "DiscordBot (https://github.com/serverless-discord-bot, 0.1)";

    /// <summary>
    /// Registers <see cref="DiscordRestClient"/> on a named <see cref="HttpClient"/> bound to <see cref="DiscordOptions"/>,
    /// with retries and circuit breaker (outer) and the shared rate limiter (inner) as handlers.
    /// Rate-limit state lives in <see cref="IRateLimitStore"/>: in memory unless storage registered a shared one first.
    /// Also registers <see cref="BotChannelPermissions"/>, which reads through that client.
    /// </summary>
    public static IHttpClientBuilder AddDiscordRest(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DiscordRateLimitOptions>();
        services.TryAddSingleton<IRateLimitStore>(_ => new InMemoryRateLimitStore());
        services.TryAddSingleton<DiscordTokenState>();
        services.TryAddSingleton<RateLimitCoordinator>();
        services.TryAddSingleton<InvalidRequestBudget>();
        services.TryAddSingleton<DiscordResiliencePipeline>();
        services.TryAddTransient<DiscordResilienceHandler>();
        services.TryAddTransient<DiscordRateLimitHandler>();
        services.TryAddSingleton(provider => new DiscordCredentials(provider.GetRequiredService<IOptions<DiscordOptions>>().Value.BotToken));
        services.TryAddTransient(provider => new DiscordRestClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(DiscordRestClient.HttpClientName),
            provider.GetRequiredService<DiscordCredentials>(),
            provider.GetRequiredService<ILogger<DiscordRestClient>>()));

        // A singleton for its caches; it takes a client per call, as the typed clients are transient.
        services.TryAddSingleton(provider => new BotChannelPermissions(
            provider.GetRequiredService<DiscordRestClient>,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IChannelPostingCheck>(provider => provider.GetRequiredService<BotChannelPermissions>());
        services.TryAddSingleton<IMemberPermissionLookup>(provider => provider.GetRequiredService<BotChannelPermissions>());

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
            .AddHttpMessageHandler<DiscordResilienceHandler>()
            .AddHttpMessageHandler<DiscordRateLimitHandler>()
            .RemoveAllLoggers();
    }
}
