using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Discord.Gateway.Events;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Tests.Lavalink;

public sealed class LavalinkOptionsTests
{
    [Fact]
    public void NeitherUrlNorPassword_IsValid_AndNotConfigured()
    {
        var options = new LavalinkOptions();

        Assert.True(new LavalinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.IsConfigured);
        var exception = Assert.Throws<InvalidOperationException>(options.EnsureConfigured);
        Assert.Contains("Lavalink__Url and Lavalink__Password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UrlWithoutPassword_FailsNamingLavalinkPassword()
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions { Url = "http://127.0.0.1:2333" });

        Assert.True(result.Failed);
        Assert.Contains("Lavalink__Password", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Lavalink__Url", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordWithoutUrl_FailsNamingLavalinkUrl_WithoutEchoingThePassword()
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions { Password = "hunter2-secret" });

        Assert.Contains("Lavalink__Url", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:2333")]
    [InlineData("ws://127.0.0.1:2333")]
    [InlineData("not a url")]
    public void MalformedUrl_FailsNamingLavalinkUrl(string url)
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions { Url = url, Password = "p" });

        Assert.Contains("Lavalink__Url is malformed", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void UrlWithCredentials_IsRefused_SoThePasswordCannotReachLogsThroughIt()
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions { Url = "http://user:pw-in-url@127.0.0.1:2333", Password = "p" });

        Assert.Contains("Lavalink__Url must not carry credentials", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-in-url", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nobot")]
    [InlineData("bot/")]
    [InlineData("my bot/1.0")]
    public void ClientNameNotNameSlashVersion_Fails(string name)
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions { ClientName = name });

        Assert.Contains("Lavalink__ClientName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void BackOffBoundsOutOfOrder_Fail()
    {
        var result = new LavalinkOptionsValidator().Validate(null, new LavalinkOptions
        {
            ReconnectMinDelay = TimeSpan.FromMinutes(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(10),
        });

        Assert.Contains("Lavalink__ReconnectMinDelay", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new LavalinkOptions { Url = "http://127.0.0.1:2333", Password = "p" };

        Assert.True(new LavalinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ResumeTimeout);
        Assert.Equal(new Uri("http://127.0.0.1:2333/"), options.GetBaseUri());
    }
}

public sealed class LavalinkServiceCollectionTests
{
    [Fact]
    public void AddLavalink_RegistersOneClientAsItselfAndAsILavalinkPlayers_AndTheNamedHttpClient()
    {
        using var provider = Build(new() { ["Lavalink:Url"] = "http://127.0.0.1:2333/", ["Lavalink:Password"] = "pw" });

        var client = provider.GetRequiredService<LavalinkClient>();
        Assert.Same(client, provider.GetRequiredService<ILavalinkPlayers>());
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(LavalinkClient.HttpClientName);
        Assert.Equal(new Uri("http://127.0.0.1:2333/"), http.BaseAddress);
        Assert.Equal(["pw"], http.DefaultRequestHeaders.GetValues("Authorization"));
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void AddLavalink_WithoutConfiguration_IsNotConfigured()
    {
        using var provider = Build([]);

        var client = provider.GetRequiredService<LavalinkClient>();

        Assert.False(client.IsConfigured);
        Assert.Equal(LavalinkStates.NotConfigured, client.Health.State);
        Assert.False(client.IsAvailable);
    }

    [Fact]
    public async Task NotConfigured_RunReturnsAtOnce_AndCallsSayWhatToSet()
    {
        using var provider = Build([]);
        var client = provider.GetRequiredService<LavalinkClient>();

        await client.RunAsync(new TaskCompletionSource<ulong>().Task, new RecordingEventHandler()).WaitAsync(TimeSpan.FromSeconds(10));

        var exception = await Assert.ThrowsAsync<LavalinkUnavailableException>(() => client.LoadTracksAsync("x", CancellationToken.None));
        Assert.Contains("Lavalink__Url", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Lavalink__Password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithHalfTheSettings_FailsNamingTheMissingKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Lavalink:Url"] = "http://127.0.0.1:2333" });
        builder.Services.AddLavalink(builder.Configuration);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Lavalink__Password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedRunner_ConnectsOnceTheGatewaysReadyGivesTheBotUserId_AndResumesTheSavedSession()
    {
        await using var server = await FakeLavalinkServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lavalink:Url"] = server.BaseUri.ToString(),
            ["Lavalink:Password"] = server.Password,
        });
        var handler = new RecordingEventHandler();
        builder.Services.AddSingleton<ILavalinkEventHandler>(handler);
        builder.Services.AddLavalink(builder.Configuration);
        using var host = builder.Build();
        host.Services.GetRequiredService<LavalinkConnectionInputs>().ResumeSessionId = "saved";
        await host.StartAsync();

        Assert.Equal(0, server.HandshakeAttempts);
        // The bot's id arrives as the gateway's typed READY, through the handler AddLavalink registered.
        var ready = Assert.Single(host.Services.GetServices<IGatewayEventHandler<GatewayReady>>());
        await ready.HandleAsync(new GatewayReady(0, 777, "gateway-session"), CancellationToken.None);
        var connection = await server.NextConnectionAsync();
        await connection.SendReadyAsync("saved", resumed: true);

        Assert.Equal(("saved", true), await LavalinkHarness.NextAsync(handler.Ready));
        Assert.Equal(("777", "saved"), (connection.Header("User-Id"), connection.Header("Session-Id")));
        Assert.True(host.Services.GetRequiredService<ILavalinkPlayers>().IsAvailable);
        await host.StopAsync();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLavalink(configuration);
        return services.BuildServiceProvider();
    }
}
