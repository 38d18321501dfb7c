using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Hosting;

public sealed class HealthEndpointTests
{
    [Theory]
    [InlineData(DependencyState.Ok, DependencyState.Ok, HttpStatusCode.OK, "ok")]
    [InlineData(DependencyState.Ok, DependencyState.Unauthorized, HttpStatusCode.OK, "degraded")]
    [InlineData(DependencyState.Unreachable, DependencyState.Ok, HttpStatusCode.ServiceUnavailable, "fail")]
    public async Task Healthz_ReportsEachDependency(DependencyState storage, DependencyState discord, HttpStatusCode expectedCode, string expectedStatus)
    {
        var probes = new FixedProbes(storage, discord);
        await using var host = await HandlerTestHost.StartAsync(configureServices: services =>
        {
            services.AddSingleton<IStorageStatusProbe>(probes);
            services.AddSingleton<IDiscordStatusProbe>(probes);
        });

        using var response = await host.Client.GetAsync(new Uri("/api/healthz", UriKind.Relative));

        Assert.Equal(expectedCode, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expectedStatus, body.RootElement.GetProperty("status").GetString());
        Assert.Equal(discord == DependencyState.Ok ? "ok" : "unauthorized", body.RootElement.GetProperty("discord").GetProperty("status").GetString());
        Assert.Equal(storage == DependencyState.Ok ? "ok" : "unreachable", body.RootElement.GetProperty("storage").GetProperty("status").GetString());
    }

    private sealed class FixedProbes(DependencyState storage, DependencyState discord) : IStorageStatusProbe, IDiscordStatusProbe
    {
        Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(storage, TimeSpan.FromMilliseconds(4), []));

        Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DiscordStatus(discord));
    }
}
