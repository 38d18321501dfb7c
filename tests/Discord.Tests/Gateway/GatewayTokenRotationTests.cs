using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.Credentials;

namespace Serverless.Discord.Tests.Gateway;

/// <summary>Close 4004 with a token source that can change: a new session with the new token, never a stop for good.</summary>
public sealed class GatewayTokenRotationTests
{
    [Fact]
    public async Task Close4004_WithANewTokenInTheSource_IdentifiesAgain_WithTheNewToken()
    {
        await using var harness = new GatewayHarness();
        var source = new ChangingTokenSource("old-gateway-token");
        var shard = harness.CreateShard(credentials: new DiscordCredentials(source, harness.Clock, TimeSpan.FromMinutes(1)));
        harness.Start(shard);
        var (first, identify) = await harness.ConnectAndIdentifyAsync();
        Assert.Equal("old-gateway-token", identify.Data.GetProperty("token").GetString());
        first.SendReady(1, GatewayHarness.SessionId, GatewayHarness.ResumeUrl);
        await harness.Handler.WaitForSequenceAsync(1);

        // Past the identify limiter's spacing, so the next IDENTIFY goes out at once.
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        source.Token = "new-gateway-token";
        first.ServerClose(4004, "Authentication failed.");

        var (second, again) = await harness.ConnectAndIdentifyAsync();
        Assert.Equal("new-gateway-token", again.Data.GetProperty("token").GetString());
        Assert.Equal("wss://gateway.test/?v=10&encoding=json", second.Url.ToString());
        Assert.DoesNotContain(second.SentSoFar, sent => sent.Op == GatewayOpcode.Resume);
        Assert.NotEqual(GatewayShardState.Failed, shard.State);
    }

    [Fact]
    public async Task Close4004_WithNoNewTokenYet_WaitsAndReadsAgainEachInterval_ThenRecovers()
    {
        await using var harness = new GatewayHarness();
        var source = new ChangingTokenSource("old-gateway-token");
        var shard = harness.CreateShard(credentials: new DiscordCredentials(source, harness.Clock, TimeSpan.FromMinutes(1)));
        harness.Start(shard);
        var connection = await harness.ReadyAsync();

        connection.ServerClose(4004, "Authentication failed.");
        await GatewayHarness.WaitForStateAsync(shard, GatewayShardState.WaitingForToken);

        // The state changes before the line is logged: wait for the line rather than race it.
        await WaitUntilAsync(() => harness.Logs.Entries.Any(entry => entry.Id.Id == 7117));
        Assert.Contains("4004", shard.Problem, StringComparison.Ordinal);
        Assert.Single(harness.Connector.Attempts);
        Assert.Single(harness.Logs.Entries, entry => entry.Id.Id == 7117 && entry.Level == LogLevel.Critical);

        // A minute on, still the old token: a warning, not another critical line, and still no connection.
        var readsBefore = source.Reads;
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => source.Reads > readsBefore && harness.Logs.Entries.Any(entry => entry.Id.Id == 7118));
        Assert.Single(harness.Connector.Attempts);
        Assert.Single(harness.Logs.Entries, entry => entry.Id.Id == 7117);

        source.Token = "new-gateway-token";
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, identify) = await harness.ConnectAndIdentifyAsync();
        Assert.Equal("new-gateway-token", identify.Data.GetProperty("token").GetString());
        Assert.Contains(harness.Logs.Entries, entry => entry.Id.Id == 7119);
        Assert.All(harness.Logs.Lines, line => Assert.DoesNotContain("gateway-token", line, StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Safety.Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
