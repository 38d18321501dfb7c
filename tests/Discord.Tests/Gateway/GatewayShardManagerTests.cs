using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Gateway;
using Serverless.Discord.Hosting;
using Serverless.Ports.Sessions;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.Gateway;

public sealed class GatewayShardManagerTests
{
    private static GatewayBotInfo BotInfo(int shards, int maxConcurrency = 1, int remaining = 1000, int total = 1000, TimeSpan? resetAfter = null) =>
        new(GatewayHarness.GatewayUrl, shards, new GatewaySessionStartLimit(total, remaining, resetAfter ?? TimeSpan.FromHours(20), maxConcurrency));

    [Fact]
    public async Task TwoShards_WithMaxConcurrencyOne_IdentifyFiveSecondsApart()
    {
        await using var harness = new GatewayHarness();
        var manager = harness.CreateManager(BotInfo(shards: 2, maxConcurrency: 1));
        harness.Start(manager.RunAsync);
        (await harness.Connector.NextConnectionAsync()).SendHello(GatewayHarness.QuietHeartbeatMs);
        (await harness.Connector.NextConnectionAsync()).SendHello(GatewayHarness.QuietHeartbeatMs);

        var first = await harness.Connector.NextSentAnywhereAsync();
        Assert.Equal(GatewayOpcode.Identify, first.Op);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(harness.Connector.AllSent.Reader.TryRead(out _));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await harness.Connector.NextSentAnywhereAsync();

        Assert.Equal(GatewayOpcode.Identify, second.Op);
        Assert.Equal(TimeSpan.FromSeconds(5), second.At - first.At);
        Assert.NotEqual(first.Data.GetProperty("shard")[0].GetInt32(), second.Data.GetProperty("shard")[0].GetInt32());
        Assert.All([first, second], identify => Assert.Equal(2, identify.Data.GetProperty("shard")[1].GetInt32()));
        Assert.Equal(998, manager.IdentifyLimiter!.Remaining);
    }

    [Fact]
    public async Task TwoShards_WithMaxConcurrencyTwo_IdentifyTogether()
    {
        await using var harness = new GatewayHarness();
        var manager = harness.CreateManager(BotInfo(shards: 2, maxConcurrency: 2));
        harness.Start(manager.RunAsync);
        (await harness.Connector.NextConnectionAsync()).SendHello(GatewayHarness.QuietHeartbeatMs);
        (await harness.Connector.NextConnectionAsync()).SendHello(GatewayHarness.QuietHeartbeatMs);

        var first = await harness.Connector.NextSentAnywhereAsync();
        var second = await harness.Connector.NextSentAnywhereAsync();

        Assert.Equal(first.At, second.At);
    }

    [Fact]
    public async Task DailyBudgetSpent_NoIdentifyUntilReset_AndTheStateSaysSo()
    {
        await using var harness = new GatewayHarness();
        var manager = harness.CreateManager(BotInfo(shards: 1, remaining: 0, total: 1000, resetAfter: TimeSpan.FromHours(1)));
        harness.Start(manager.RunAsync);
        var shard = await WaitForShardsAsync(manager, 1);

        await GatewayHarness.WaitForStateAsync(shard[0], GatewayShardState.WaitingForIdentifyBudget);
        Assert.Contains("identify budget", shard[0].Problem, StringComparison.Ordinal);
        Assert.Contains(harness.Logs.Entries, entry => entry.Level == LogLevel.Critical && entry.Id.Id == 7121);
        harness.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(harness.Connector.Attempts);

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, identify) = await harness.ConnectAndIdentifyAsync();
        Assert.Equal(GatewayOpcode.Identify, identify.Op);
        Assert.Equal(999, manager.IdentifyLimiter!.Remaining);
    }

    [Fact]
    public async Task IdentifyLimiter_CountsOwnIdentifiesDown_AndRefusesTheOneOverBudget()
    {
        var clock = new GatewayTestClock();
        var limiter = new GatewayIdentifyLimiter(new GatewaySessionStartLimit(1000, 2, TimeSpan.FromHours(1), 1), clock, new Logger<GatewayIdentifyLimiter>(new ProviderLoggerFactory(new CapturingLoggerProvider())));

        await limiter.AcquireAsync(0, null, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(5));
        await limiter.AcquireAsync(0, null, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(5));
        var exhaustedUntil = new TaskCompletionSource<DateTimeOffset>();
        var third = limiter.AcquireAsync(0, resetAt => exhaustedUntil.TrySetResult(resetAt), CancellationToken.None);

        Assert.Equal(clock.Start + TimeSpan.FromHours(1), await exhaustedUntil.Task.WaitAsync(Safety.Timeout));
        Assert.False(third.IsCompleted);
        Assert.Equal(0, limiter.Remaining);
        clock.Advance(TimeSpan.FromHours(1));
        await third.WaitAsync(Safety.Timeout);
        Assert.Equal(999, limiter.Remaining);
    }

    [Theory]
    [InlineData(41771983423143937UL, 1, 0)]
    [InlineData(4194304UL, 2, 1)]
    [InlineData(8388608UL, 2, 0)]
    [InlineData(41771983423143937UL, 16, 6)]
    public void ShardIdFor_IsGuildIdShiftedBy22ModuloShardCount(ulong guildId, int shardCount, int expected) =>
        Assert.Equal(expected, GatewayShardManager.ShardIdFor(guildId, shardCount));

    [Fact]
    public async Task VoiceStateUpdate_GoesOutOnTheShardThatOwnsTheGuild()
    {
        await using var harness = new GatewayHarness();
        var manager = harness.CreateManager(BotInfo(shards: 2, maxConcurrency: 2));
        harness.Start(manager.RunAsync);
        var connections = new Dictionary<int, ScriptedGatewayConnection>();
        for (var i = 0; i < 2; i++)
        {
            var (connection, identify) = await harness.ConnectAndIdentifyAsync();
            var shardId = identify.Data.GetProperty("shard")[0].GetInt32();
            connections[shardId] = connection;
            connection.SendReady(1, $"session-{shardId}", GatewayHarness.ResumeUrl);
        }

        var shards = await WaitForShardsAsync(manager, 2);
        await GatewayHarness.WaitForStateAsync(shards[0], GatewayShardState.Ready);
        await GatewayHarness.WaitForStateAsync(shards[1], GatewayShardState.Ready);

        // (4194304 >> 22) % 2 == 1
        await harness.Registry.SendVoiceStateUpdateAsync(4194304, 99, selfMute: false, selfDeaf: true, CancellationToken.None).WaitAsync(Safety.Timeout);

        var sent = await connections[1].NextSentAsync(GatewayOpcode.VoiceStateUpdate);
        Assert.Equal("4194304", sent.Data.GetProperty("guild_id").GetString());
        Assert.DoesNotContain(connections[0].SentSoFar, payload => payload.Op == GatewayOpcode.VoiceStateUpdate);
        Assert.Equal([0, 1], manager.GetShardStatuses().Select(status => status.ShardId));
        Assert.All(manager.GetShardStatuses(), status => Assert.Equal(GatewayShardState.Ready, status.State));
    }

    [Fact]
    public async Task ShardCountFromConfiguration_OverridesDiscordsRecommendation()
    {
        await using var harness = new GatewayHarness();
        harness.Options.ShardCount = 3;
        var manager = harness.CreateManager(BotInfo(shards: 1, maxConcurrency: 3));
        harness.Start(manager.RunAsync);

        var shards = await WaitForShardsAsync(manager, 3);

        Assert.Equal(3, shards.Count);
        Assert.All(shards, shard => Assert.Equal(3, shard.ShardCount));
    }

    [Fact]
    public void Options_BindFromDiscordGatewaySection_AndValidationNamesTheBadKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Gateway:ShardCount"] = "0",
            ["Discord:Gateway:Intents"] = "-1",
        }).Build();
        var options = new GatewayOptions
        {
            ShardCount = int.Parse(configuration["Discord:Gateway:ShardCount"]!, System.Globalization.CultureInfo.InvariantCulture),
            Intents = int.Parse(configuration["Discord:Gateway:Intents"]!, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = new GatewayOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Discord__Gateway__ShardCount", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Discord__Gateway__Intents", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new GatewayOptionsValidator().Validate(null, new GatewayOptions()).Succeeded);
        Assert.Equal(129, new GatewayOptions().Intents);
    }

    [Fact]
    public void DiscordOptions_RefuseANonWebSocketGatewayUrl()
    {
        var options = new DiscordOptions { ApplicationId = "1", PublicKey = new string('a', 64), GatewayUrl = "https://gateway.test" };

        var result = new DiscordOptionsValidator().Validate(null, options);

        Assert.Contains("Discord__GatewayUrl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDiscordGateway_ResolvesTheManager_AndRefusesAMissingToken()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new ProviderLoggerFactory(new CapturingLoggerProvider()));
        services.AddSingleton<IGatewaySessionStore>(new InMemoryGatewaySessionStore());
        services.AddSingleton<IGatewayDispatchHandler>(new RecordingDispatchHandler());
        services.AddSingleton<IGatewayBotInfoSource>(new FixedInfo(BotInfo(1)));
        services.Configure<DiscordOptions>(options => options.GatewayUrl = "ws://127.0.0.1:1/");
        services.AddDiscordGateway(new ConfigurationBuilder().Build());

        using (var provider = services.BuildServiceProvider())
        {
            var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DiscordOptions>>().Value);
            Assert.Contains("Discord__BotToken", failure.Message, StringComparison.Ordinal);
        }

        services.Configure<DiscordOptions>(options => options.BotToken = GatewayHarness.Token);
        using var configured = services.BuildServiceProvider();
        Assert.NotNull(configured.GetRequiredService<GatewayShardManager>());
        Assert.IsType<ClientWebSocketGatewayConnector>(configured.GetRequiredService<IGatewayConnector>());
    }

    private static async Task<IReadOnlyList<GatewayShardClient>> WaitForShardsAsync(GatewayShardManager manager, int count)
    {
        // The manager publishes its shards right after GET /gateway/bot; poll the fake-free part briefly.
        var deadline = DateTime.UtcNow + Safety.Timeout;
        while (manager.Shards.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the manager never started its shards");
            await Task.Yield();
        }

        return manager.Shards;
    }

    private sealed class FixedInfo(GatewayBotInfo info) : IGatewayBotInfoSource
    {
        public Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken) => Task.FromResult(info);
    }
}
