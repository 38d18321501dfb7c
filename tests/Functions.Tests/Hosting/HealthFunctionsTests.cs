using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Features.Status;
using Serverless.Functions.Tests.Support;

namespace Serverless.Functions.Tests.Hosting;

public sealed class HealthFunctionsTests
{
    [Theory]
    [InlineData(DependencyState.Ok, DependencyState.Ok, HttpStatusCode.OK, "ok")]
    [InlineData(DependencyState.Ok, DependencyState.Unauthorized, HttpStatusCode.OK, "degraded")]
    [InlineData(DependencyState.Unreachable, DependencyState.Ok, HttpStatusCode.ServiceUnavailable, "fail")]
    public async Task Healthz_ReportsEachDependency(DependencyState storage, DependencyState discord, HttpStatusCode expectedCode, string expectedStatus)
    {
        await using var host = await StartAsync(storage, discord);
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow().AddSeconds(-12)), CancellationToken.None);

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(expectedCode, code);
        Assert.Equal(expectedStatus, body.GetProperty("status").GetString());
        Assert.Equal(discord == DependencyState.Ok ? "ok" : "unauthorized", body.GetProperty("discord").GetProperty("status").GetString());
        Assert.Equal(storage == DependencyState.Ok ? "ok" : "unreachable", body.GetProperty("storage").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_FreshHeartbeat_ReportsGatewayAndLavalinkOk()
    {
        await using var host = await StartAsync();
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow().AddSeconds(-12)), CancellationToken.None);

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        var gateway = body.GetProperty("gateway");
        Assert.Equal("ok", gateway.GetProperty("status").GetString());
        Assert.Equal(41, gateway.GetProperty("latencyMs").GetDouble());
        Assert.Equal("1/1 shards ready (latency 41 ms); heartbeat 12 s ago", gateway.GetProperty("detail").GetString());
        var lavalink = body.GetProperty("lavalink");
        Assert.Equal("ok", lavalink.GetProperty("status").GetString());
        Assert.Equal("Lavalink 4.2.2 ok", lavalink.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Healthz_NoHeartbeatYet_IsDegradedNot503()
    {
        await using var host = await StartAsync();

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        foreach (var entry in new[] { "gateway", "lavalink" })
        {
            Assert.Equal("degraded", body.GetProperty(entry).GetProperty("status").GetString());
            Assert.Equal("no companion heartbeat yet", body.GetProperty(entry).GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Healthz_StaleHeartbeat_IsDegradedWithItsAge()
    {
        await using var host = await StartAsync();
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow()), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("degraded", body.GetProperty("gateway").GetProperty("status").GetString());
        Assert.False(body.GetProperty("gateway").TryGetProperty("latencyMs", out _));
        Assert.Equal("stale (last seen 5 min ago)", body.GetProperty("gateway").GetProperty("detail").GetString());
        Assert.Equal("degraded", body.GetProperty("lavalink").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_StaleThreshold_IsConfigurable()
    {
        await using var host = await StartAsync(settings: new Dictionary<string, string?> { ["Companion:HeartbeatStaleAfter"] = "00:00:30" });
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow().AddSeconds(-45)), CancellationToken.None);

        var (_, body) = await GetHealthAsync(host);

        Assert.Equal("stale (last seen 45 s ago)", body.GetProperty("gateway").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Healthz_FailedShard_DegradesTheGatewayOnly()
    {
        await using var host = await StartAsync();
        await host.Heartbeats.WriteAsync(
            Heartbeat(host.Time.GetUtcNow()) with { Shards = [new ShardHeartbeat(0, "ready", 30), new ShardHeartbeat(1, "failed", null, "Authentication failed (4004)")] },
            CancellationToken.None);

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("degraded", body.GetProperty("gateway").GetProperty("status").GetString());
        Assert.Equal(
            "1/2 shards ready (latency 30 ms), shard 1 failed: Authentication failed (4004); heartbeat 0 s ago",
            body.GetProperty("gateway").GetProperty("detail").GetString());
        Assert.Equal("ok", body.GetProperty("lavalink").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_LavalinkUnavailable_IsUnreachableAndDegraded()
    {
        await using var host = await StartAsync();
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow()) with { Lavalink = "unavailable", LavalinkVersion = null }, CancellationToken.None);

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("gateway").GetProperty("status").GetString());
        Assert.Equal("unreachable", body.GetProperty("lavalink").GetProperty("status").GetString());
        Assert.Equal("Lavalink unavailable", body.GetProperty("lavalink").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Healthz_HeartbeatUnreadable_IsDegradedWhileStorageAnswers()
    {
        await using var host = await StartAsync();
        host.Heartbeats.FailWith = new InvalidOperationException("table service down");

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("unreachable", body.GetProperty("gateway").GetProperty("status").GetString());
        Assert.Equal("unreachable", body.GetProperty("lavalink").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_StorageDown_IsStill503WhateverTheCompanionSays()
    {
        await using var host = await StartAsync(storage: DependencyState.Unreachable);
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow()), CancellationToken.None);

        var (code, body) = await GetHealthAsync(host);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal("fail", body.GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("gateway").GetProperty("status").GetString());
    }

    [Fact]
    public async Task StatusCommand_ThroughTheHost_ReadsTheHeartbeat()
    {
        await using var host = await StartAsync();
        await host.Heartbeats.WriteAsync(Heartbeat(host.Time.GetUtcNow().AddSeconds(-12)), CancellationToken.None);
        var status = host.App.Services.GetRequiredService<StatusCommand>();

        var reply = await status.ExecuteAsync(new() { CommandName = "status", CorrelationId = "c" }, CancellationToken.None);

        Assert.Contains(
            "Companion: last heartbeat 12 s ago — gateway: 1/1 shards ready (latency 41 ms); Lavalink 4.2.2 ok; 2 players",
            reply.Content,
            StringComparison.Ordinal);
    }

    private static Task<FunctionTestHost> StartAsync(
        DependencyState storage = DependencyState.Ok,
        DependencyState discord = DependencyState.Ok,
        IDictionary<string, string?>? settings = null)
    {
        var probes = new FixedProbes(storage, discord);
        return FunctionTestHost.StartAsync(settings, services =>
        {
            services.AddSingleton<IStorageStatusProbe>(probes);
            services.AddSingleton<IDiscordStatusProbe>(probes);
        });
    }

    private static async Task<(HttpStatusCode Code, JsonElement Body)> GetHealthAsync(FunctionTestHost host)
    {
        using var response = await host.Client.GetAsync(new Uri("/api/healthz/detail", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    private static CompanionHeartbeat Heartbeat(DateTimeOffset writtenAt) => new()
    {
        WrittenAt = writtenAt,
        Instance = "companion-0/17",
        Shards = [new ShardHeartbeat(0, "ready", 41)],
        Lavalink = "ok",
        LavalinkVersion = "4.2.2",
        ActivePlayers = 2,
    };

    private sealed class FixedProbes(DependencyState storage, DependencyState discord) : IStorageStatusProbe, IDiscordStatusProbe
    {
        Task<StorageStatus> IStorageStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new StorageStatus(storage, TimeSpan.FromMilliseconds(4), []));

        Task<DiscordStatus> IDiscordStatusProbe.CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new DiscordStatus(discord));
    }
}
