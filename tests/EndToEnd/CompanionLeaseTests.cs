using System.Diagnostics;
using System.Text.Json;
using Serverless.Sandbox.Interactions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Two companion processes on the same storage, Sandbox and Lavalink, with the default lease settings (30 s lease,
/// 10 s renewal, 5 s poll): only the lease holder holds the gateway and consumes <c>voice</c>; the other waits on
/// standby and takes over when the holder stops or dies.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CompanionLeaseTests(CompanionPairEnvironment music) : IClassFixture<CompanionPairEnvironment>
{
    private static readonly TimeSpan Takeover = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task OnlyTheHolderIsActive_AndAStandbyTakesOver_AfterAGracefulStop_AndAfterACrash()
    {
        var a = music.Companion;
        var gateway = music.Discord.Gateway;
        var identifies = gateway.IdentifyCount;
        var aConnection = Assert.Single(gateway.Connections, connection => connection.IsOpen).Id;
        await using var b = music.NewCompanion();

        // B starts beside A: healthy on standby (200), naming A as the holder, and stays off the gateway.
        await b.StartAsync();
        await b.WaitForStatusAsync("standby", MusicEnvironment.Patience);
        var aLease = Lease(await a.HealthAsync());
        Assert.Equal("active", aLease.GetProperty("role").GetString());
        var aInstance = aLease.GetProperty("instance").GetString();
        await Task.Delay(TimeSpan.FromSeconds(6)); // more than one standby poll
        var bLease = Lease(await b.HealthAsync());
        Assert.Equal("standby", bLease.GetProperty("role").GetString());
        Assert.Equal(aInstance, bLease.GetProperty("holder").GetString());
        Assert.Equal(identifies, gateway.IdentifyCount);
        Assert.Equal(aConnection, Assert.Single(gateway.Connections, connection => connection.IsOpen).Id);

        // A /music play is consumed and played by A alone: its op 4 went out on A's connection.
        Assert.StartsWith("Now playing **Paired**", await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?length=600000&title=Paired")), StringComparison.Ordinal);
        await music.WaitForTrackAsync("Paired");
        Assert.NotEmpty(gateway.VoiceRequests);
        Assert.All(gateway.VoiceRequests, request => Assert.Equal(aConnection, request.ConnectionId));
        Assert.DoesNotContain(b.Output, line => line.Contains("\"Category\":\"Serverless.Companion.Music", StringComparison.Ordinal));

        // A stops gracefully (SIGTERM): it closes the gateway, then releases the lease; B takes over within a poll.
        var stopping = Stopwatch.StartNew();
        await a.StopAsync();
        await b.WaitUntilReadyAsync(Takeover);
        Assert.True(stopping.Elapsed < Takeover, $"B took {stopping.Elapsed} to take over");
        var bConnection = Assert.Single(gateway.Connections, connection => connection.IsOpen);
        Assert.NotEqual(aConnection, bConnection.Id);
        var bInstance = Lease(await b.HealthAsync()).GetProperty("instance").GetString();
        Assert.Equal("active", Lease(await b.HealthAsync()).GetProperty("role").GetString());

        // B dies without a word; A comes back, waits on standby until B's lease expires, then takes over.
        await b.KillAsync();
        var killed = Stopwatch.StartNew();
        await a.StartAsync();
        var waiting = Lease(await a.HealthAsync());
        Assert.Equal("standby", waiting.GetProperty("role").GetString());
        Assert.Equal(bInstance, waiting.GetProperty("holder").GetString());
        await a.WaitUntilReadyAsync(Takeover);
        Assert.True(killed.Elapsed < Takeover, $"A took {killed.Elapsed} to take over");
        Assert.Single(gateway.Connections, connection => connection.IsOpen);
        Assert.Equal("active", Lease(await a.HealthAsync()).GetProperty("role").GetString());
    }

    private static JsonElement Lease(JsonElement? health)
    {
        Assert.NotNull(health);
        return health.Value.GetProperty("lease");
    }
}
