using Serverless.Discord.Gateway;
using Serverless.Discord.Tests.Gateway;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Tests.Telemetry;

public sealed class GatewayTelemetryTests
{
    [Fact]
    public async Task IdentifyThenResume_AreCountedPerShard()
    {
        await using var harness = new GatewayHarness();
        using var capture = new TelemetryCapture(harness.Metrics.Meter, TelemetryNames.DiscordGateway);
        harness.Start(harness.CreateShard());
        var connection = await harness.ReadyAsync();

        var identify = Assert.Single(capture.Measurements(GatewayMetrics.IdentifiesName));
        Assert.Equal(1, identify.Value);
        Assert.Equal("0", identify.Tag("shard"));
        Assert.Empty(capture.Measurements(GatewayMetrics.ResumesName));

        connection.Send("""{"op":7,"d":null}""");
        var resumed = await harness.Connector.NextConnectionAsync();
        resumed.SendHello(GatewayHarness.QuietHeartbeatMs);
        await resumed.NextSentAsync(GatewayOpcode.Resume);

        var resume = Assert.Single(capture.Measurements(GatewayMetrics.ResumesName));
        Assert.Equal(1, resume.Value);
        Assert.Equal("0", resume.Tag("shard"));
        Assert.Single(capture.Measurements(GatewayMetrics.IdentifiesName));
    }

    [Fact]
    public async Task HeartbeatAck_RecordsTheRoundTripInTheLatencyHistogram()
    {
        await using var harness = new GatewayHarness(random: 0.5);
        using var capture = new TelemetryCapture(harness.Metrics.Meter, TelemetryNames.DiscordGateway);
        harness.Start(harness.CreateShard());
        var (connection, _) = await harness.ConnectAndIdentifyAsync(heartbeatMs: 1000);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await connection.NextSentAsync(GatewayOpcode.Heartbeat);

        harness.Clock.Advance(TimeSpan.FromMilliseconds(40));
        connection.SendHeartbeatAck();
        connection.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        await harness.Handler.WaitForSequenceAsync(1);

        var latency = Assert.Single(capture.Measurements(GatewayMetrics.LatencyName));
        Assert.Equal(40, latency.Value);
        Assert.Equal("0", latency.Tag("shard"));
    }

    [Fact]
    public async Task ShardStateAndIdentifiesRemaining_AreObservable()
    {
        await using var harness = new GatewayHarness();
        using var capture = new TelemetryCapture(harness.Metrics.Meter, TelemetryNames.DiscordGateway);
        Assert.Empty(capture.Observe(GatewayMetrics.ShardStateName));
        Assert.Empty(capture.Observe(GatewayMetrics.IdentifiesRemainingName));

        var manager = harness.CreateManager(new GatewayBotInfo(GatewayHarness.GatewayUrl, 1, new GatewaySessionStartLimit(1000, 500, TimeSpan.FromHours(20), 1)));
        harness.Start(manager.RunAsync);
        await harness.ReadyAsync();

        var state = Assert.Single(capture.Observe(GatewayMetrics.ShardStateName));
        Assert.Equal(2, state.Value);
        Assert.Equal("0", state.Tag("shard"));
        Assert.Equal(499, capture.Observe(GatewayMetrics.IdentifiesRemainingName)[^1].Value);

        harness.Stop();
        await GatewayHarness.WaitForStateAsync(manager.Shards[0], GatewayShardState.Disconnected);
        Assert.Equal(0, capture.Observe(GatewayMetrics.ShardStateName)[^1].Value);
    }

    [Theory]
    [InlineData(GatewayShardState.Disconnected, 0)]
    [InlineData(GatewayShardState.Failed, 0)]
    [InlineData(GatewayShardState.WaitingForIdentifyBudget, 0)]
    [InlineData(GatewayShardState.Connecting, 1)]
    [InlineData(GatewayShardState.Identifying, 1)]
    [InlineData(GatewayShardState.Ready, 2)]
    [InlineData(GatewayShardState.Resuming, 3)]
    public void ShardStates_MapToTheGaugeValues(GatewayShardState state, int value) =>
        Assert.Equal(value, GatewayMetrics.StateValue(state));
}
