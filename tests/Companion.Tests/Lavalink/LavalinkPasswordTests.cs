using Serverless.Companion.Lavalink;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Tests.Lavalink;

/// <summary>The password is sent to Lavalink and nowhere else: not in logs, exceptions or health.</summary>
public sealed class LavalinkPasswordTests
{
    private const string Secret = "Sup3r-S3cret-Lavalink-Pw";

    [Fact]
    public async Task WrongPassword_OnTheWebSocket_IsReportedWithoutThePassword()
    {
        await using var server = await FakeLavalinkServer.StartAsync(password: "the-right-one");
        // REST lets any password through here, so the WebSocket handshake is what refuses it (401).
        server.CheckRestPassword = false;
        await using var harness = new LavalinkHarness(server.BaseUri, Secret);
        harness.Start();

        var delay = await harness.NextReconnectDelayAsync();
        harness.Time.Advance(delay);
        await harness.NextReconnectDelayAsync();

        var health = harness.Client.Health;
        Assert.Equal(2, server.HandshakeAttempts);
        Assert.Equal(LavalinkStates.Unavailable, health.State);
        Assert.Contains("HTTP 401", health.LastError, StringComparison.Ordinal);
        Assert.Contains("wrong Lavalink password", health.LastError, StringComparison.Ordinal);
        AssertNoSecret(harness, health);
    }

    [Fact]
    public async Task FullLifecycle_NeverLogsThePassword()
    {
        await using var server = await FakeLavalinkServer.StartAsync(password: Secret);
        await using var harness = LavalinkHarness.For(server);
        var connection = await harness.StartReadyAsync(server);
        await harness.Client.UpdatePlayerAsync(1, new LavalinkPlayerUpdate { Paused = true }, false, CancellationToken.None);
        server.Script("GET", "/v4/loadtracks", 400, """{"timestamp":1,"status":400,"error":"Bad Request","message":"bad","path":"/v4/loadtracks"}""");
        var exception = await Assert.ThrowsAsync<LavalinkException>(() => harness.Client.LoadTracksAsync("x", CancellationToken.None));
        connection.Abort();
        await LavalinkHarness.NextAsync(harness.Handler.Disconnects);
        server.RejectHandshakes(1);
        harness.Time.Advance(await harness.NextReconnectDelayAsync());
        harness.Time.Advance(await harness.NextReconnectDelayAsync());
        await server.NextConnectionAsync();

        Assert.Equal(Secret, connection.Header("Authorization"));
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
        AssertNoSecret(harness, harness.Client.Health);
        Assert.NotEmpty(harness.Logs.Lines);
    }

    private static void AssertNoSecret(LavalinkHarness harness, LavalinkHealth health)
    {
        Assert.DoesNotContain(Secret, health.ToString(), StringComparison.Ordinal);
        Assert.All(harness.Logs.Lines, line => Assert.DoesNotContain(Secret, line, StringComparison.Ordinal));
    }
}
