using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Discord.Rest;

namespace Serverless.Discord.Hosting;

public static class DiscordServiceCollectionExtensions
{
    public const string UserAgent = "DiscordBot (https://github.com/serverless-discord-bot, 0.1)";

    /// <summary>Registers <see cref="DiscordRestClient"/> on a named <see cref="HttpClient"/> bound to <see cref="DiscordOptions"/>.</summary>
    public static IHttpClientBuilder AddDiscordRest(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new DiscordCredentials(provider.GetRequiredService<IOptions<DiscordOptions>>().Value.BotToken));
        services.TryAddTransient(provider => new DiscordRestClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(DiscordRestClient.HttpClientName),
            provider.GetRequiredService<DiscordCredentials>()));

        return services.AddHttpClient(DiscordRestClient.HttpClientName, (provider, client) =>
            {
                var baseUrl = provider.GetRequiredService<IOptions<DiscordOptions>>().Value.ApiBaseUrl.TrimEnd('/') + "/";
                client.BaseAddress = new Uri(baseUrl);
                client.Timeout = TimeSpan.FromSeconds(15);
                client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            // The default HttpClient logs print request URLs, and interaction webhook URLs hold tokens.
            .RemoveAllLoggers();
    }
}
