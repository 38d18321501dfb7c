using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;

namespace Serverless.Discord.Tests.Hosting;

public sealed class DiscordRegistrationTests
{
    [Fact]
    public async Task RestClient_AsksTheFactoryForTheNamedClient_OnEveryCall()
    {
        var factory = new CountingFactory();
        var client = new DiscordRestClient(factory, new DiscordCredentials("test-token"));

        await client.GetCurrentUserAsync();
        await client.GetCurrentUserAsync();

        // A fresh client per call is what lets the factory rotate handlers under a long-lived singleton.
        Assert.Equal([DiscordRestClient.HttpClientName, DiscordRestClient.HttpClientName], factory.Names);
    }

    [Fact]
    public void AddDiscordRest_BindsItsOwnSections_AndGivesOneClient()
    {
        using var provider = Build(new()
        {
            ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10",
            ["Discord:RateLimits:MaxAttempts"] = "2",
        });

        Assert.Equal("http://discord.test/api/v10", provider.GetRequiredService<IOptions<DiscordOptions>>().Value.ApiBaseUrl);
        Assert.Equal(2, provider.GetRequiredService<IOptions<DiscordRateLimitOptions>>().Value.MaxAttempts);
        Assert.Same(provider.GetRequiredService<DiscordRestClient>(), provider.GetRequiredService<DiscordRestClient>());
        Assert.Empty(StartupConfiguration.Failures(provider));
    }

    [Fact]
    public void AddDiscordRest_ValidatesTheRateLimitsAtStart_NamingTheKey()
    {
        using var provider = Build(new() { ["Discord:RateLimits:MaxAttempts"] = "0" });

        Assert.Contains("Discord__RateLimits__MaxAttempts must be at least 1 (it is 0).", StartupConfiguration.Failures(provider));
    }

    [Fact]
    public void AddDiscordGateway_BindsItsSection_AndNamesEveryFailure()
    {
        var configuration = Configuration(new()
        {
            ["Discord:GatewayUrl"] = "https://not-a-socket.test/",
            ["Discord:Gateway:ShardCount"] = "0",
        });
        var services = new ServiceCollection();
        services.AddDiscordRest(configuration);
        services.AddDiscordGateway(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(
            [
                "Discord__BotToken is missing (or Discord__BotTokenFile, or Discord__BotTokenSecretUri): the gateway identifies with the bot token.",
                "Discord__GatewayUrl is malformed: it must be an absolute ws:// or wss:// URL, or unset.",
                "Discord__Gateway__ShardCount is 0: it must be at least 1, or left unset to use Discord's recommendation.",
            ],
            StartupConfiguration.Failures(provider).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "Discord__ApplicationId is missing")]
    [InlineData("0", "Discord__ApplicationId is malformed")]
    [InlineData("12ab", "Discord__ApplicationId is malformed")]
    public void BotCallerValidator_NamesTheApplicationId(string? applicationId, string expected)
    {
        var result = new DiscordBotCallerValidator().Validate(null, new DiscordOptions { ApplicationId = applicationId, BotToken = "t" });

        Assert.StartsWith(expected, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void BotCallerValidator_AcceptsWhatACommandLineRunNeeds_WithoutThePublicKey()
    {
        var options = new DiscordOptions { ApplicationId = "100000000000000001", BotToken = "t" };

        Assert.True(new DiscordBotCallerValidator().Validate(null, options).Succeeded);
        Assert.Contains(new DiscordOptionsValidator().Validate(null, options).Failures!, failure => failure.StartsWith("Discord__PublicKey is missing", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddDiscordRest(Configuration(settings));
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private sealed class CountingFactory : IHttpClientFactory
    {
        public List<string> Names { get; } = [];

        public HttpClient CreateClient(string name)
        {
            Names.Add(name);
            return new HttpClient(new MeHandler()) { BaseAddress = new Uri("http://discord.test/api/v10/") };
        }
    }

    private sealed class MeHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"id":"42","username":"bot"}""", Encoding.UTF8, "application/json"),
            });
    }
}
