using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Health;

/// <summary>What <c>/api/healthz</c> and <c>/status</c> cost in Discord calls: the probes are cached and a rejected token is not asked again.</summary>
public sealed class HealthProbeBudgetTests : IAsyncLifetime
{
    private readonly CannedDiscordHandler _discord = new();
    private FunctionTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _discord.Answer("GET", "/users/@me", HttpStatusCode.OK, """{"id":"100000000000000001","username":"Serverless Bot","bot":true}""");
        _host = await FunctionTestHost.StartAsync(
            new Dictionary<string, string?> { ["Discord:BotToken"] = "test-bot-token", ["Discord:ApiBaseUrl"] = "http://discord.test/api/v10" },
            services =>
            {
                services.AddSingleton<IStorageStatusProbe>(new HealthyStorage());
                services.AddHttpClient("discord").ConfigurePrimaryHttpMessageHandler(() => _discord);
                services.Configure<DiscordRateLimitOptions>(options => options.MaxAttempts = 1);
            });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _discord.Dispose();
    }

    [Fact]
    public async Task Healthz_ManyHitsWithinTheCacheWindow_AskDiscordOnce()
    {
        var hits = Enumerable.Range(0, 20).Select(_ => _host.Client.GetAsync(new Uri("/api/healthz", UriKind.Relative))).ToList();
        foreach (var response in await Task.WhenAll(hits))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        for (var i = 0; i < 10; i++)
        {
            _host.Time.Advance(TimeSpan.FromSeconds(2));
            (await _host.Client.GetAsync(new Uri(i % 2 == 0 ? "/api/healthz" : "/api/healthz/detail", UriKind.Relative))).Dispose();
        }

        Assert.Equal(1, DiscordCalls());

        // Past the 30 s window the next hit probes again, once.
        _host.Time.Advance(TimeSpan.FromSeconds(11));
        (await _host.Client.GetAsync(new Uri("/api/healthz", UriKind.Relative))).Dispose();
        (await _host.Client.GetAsync(new Uri("/api/healthz", UriKind.Relative))).Dispose();

        Assert.Equal(2, DiscordCalls());
    }

    [Fact]
    public async Task Healthz_TokenRejected_ReportsUnauthorizedWithoutCallingDiscord()
    {
        _discord.Answer("GET", "/users/@me", HttpStatusCode.Unauthorized, """{"message":"401: Unauthorized","code":0}""");
        await Assert.ThrowsAnyAsync<DiscordApiException>(() => _host.App.Services.GetRequiredService<DiscordRestClient>().GetCurrentUserAsync());
        Assert.Equal(1, DiscordCalls());

        for (var i = 0; i < 5; i++)
        {
            using var response = await _host.Client.GetAsync(new Uri("/api/healthz/detail", UriKind.Relative));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("unauthorized", body.RootElement.GetProperty("discord").GetProperty("status").GetString());
            _host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(1, DiscordCalls());
    }

    [Fact]
    public async Task Healthz_TokenRejected_IsAskedAgainOnlyAfterTheRecheckInterval()
    {
        _discord.Answer("GET", "/users/@me", HttpStatusCode.Unauthorized, """{"message":"401: Unauthorized","code":0}""");
        await Assert.ThrowsAnyAsync<DiscordApiException>(() => _host.App.Services.GetRequiredService<DiscordRestClient>().GetCurrentUserAsync());

        _host.Time.Advance(TimeSpan.FromMinutes(10));
        _discord.Answer("GET", "/users/@me", HttpStatusCode.OK, """{"id":"100000000000000001","username":"Serverless Bot","bot":true}""");
        using var response = await _host.Client.GetAsync(new Uri("/api/healthz/detail", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(2, DiscordCalls());
        Assert.Equal("ok", body.RootElement.GetProperty("discord").GetProperty("status").GetString());
    }

    [Fact]
    public async Task StatusCommand_TokenRejected_DoesNotCallDiscord()
    {
        _discord.Answer("GET", "/users/@me", HttpStatusCode.Unauthorized, """{"message":"401: Unauthorized","code":0}""");
        await Assert.ThrowsAnyAsync<DiscordApiException>(() => _host.App.Services.GetRequiredService<DiscordRestClient>().GetCurrentUserAsync());
        var status = _host.App.Services.GetRequiredService<StatusCommand>();

        var reply = await status.ExecuteAsync(new() { CommandName = "status", CorrelationId = "c" }, CancellationToken.None);

        Assert.Contains("discord: unauthorized", reply.Content, StringComparison.Ordinal);
        Assert.Equal(1, DiscordCalls());
    }

    [Fact]
    public async Task Healthz_Anonymous_AnswersTheOverallStatusOnly()
    {
        using var response = await _host.Client.GetAsync(new Uri("/api/healthz", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var property = Assert.Single(body.RootElement.EnumerateObject());
        Assert.Equal("status", property.Name);
        Assert.Equal("degraded", property.Value.GetString());
    }

    [Fact]
    public async Task HealthzDetail_ReportsEveryDependency()
    {
        using var response = await _host.Client.GetAsync(new Uri("/api/healthz/detail", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["status", "storage", "discord", "gateway", "lavalink"], body.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal("ok", body.RootElement.GetProperty("discord").GetProperty("status").GetString());
    }

    private int DiscordCalls() => _discord.Requests.Count(request => request.Path.EndsWith("/users/@me", StringComparison.Ordinal));

    private sealed class HealthyStorage : IStorageStatusProbe
    {
        public Task<StorageStatus> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(DependencyState.Ok, TimeSpan.FromMilliseconds(3), [new QueueDepth("interactions", 0)]));
    }
}
