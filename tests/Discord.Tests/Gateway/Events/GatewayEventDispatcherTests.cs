using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway;
using Serverless.Discord.Gateway.Events;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Ports.Sessions;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.Gateway.Events;

/// <summary>The dispatcher reads each dispatch into its typed event once and hands it to that type's handlers only.</summary>
public sealed class GatewayEventDispatcherTests
{
    private const int UnreadableDispatchEventId = 7140;
    private const int HandlerFailedEventId = 7141;

    private readonly CapturingLoggerProvider _logs = new();
    private readonly Recorder<GatewayReady> _ready = new();
    private readonly Recorder<GatewayGuildCreate> _guildCreate = new();
    private readonly Recorder<GatewayGuildDelete> _guildDelete = new();
    private readonly Recorder<GatewayVoiceStateUpdate> _voiceState = new();
    private readonly Recorder<GatewayVoiceServerUpdate> _voiceServer = new();

    [Fact]
    public async Task Ready_GivesTheBotUserIdSessionAndShard_FromStringOrNumberSnowflakes()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "READY", """{"v":10,"user":{"id":"41771983423143937","bot":true},"session_id":"s-1","guilds":[]}""", shardId: 3);
        await DispatchAsync(dispatcher, "READY", """{"user":{"id":41771983423143938}}""");

        Assert.Equal([new GatewayReady(3, 41771983423143937, "s-1"), new GatewayReady(0, 41771983423143938, null)], _ready.Received);
        Assert.Empty(Unreadable());
    }

    [Theory]
    [InlineData("""{"session_id":"s-1"}""")]
    [InlineData("""{"user":{"id":"not-a-number"}}""")]
    [InlineData("""{"user":"41771983423143937"}""")]
    [InlineData("""{"user":{"id":"-5"}}""")]
    [InlineData("[]")]
    public async Task Ready_WithoutAUsableUserId_IsLoggedAndSkipped(string json)
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "READY", json);

        Assert.Empty(_ready.Received);
        Assert.Contains("READY", Assert.Single(Unreadable()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuildCreate_GivesVoiceStates_WithTheBotFlagFromTheMemberList()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "GUILD_CREATE", """
            {"id":"100","name":"g","members":[{"user":{"id":"900","bot":true}},{"user":{"id":"7"}},"odd"],
             "voice_states":[{"user_id":"900","channel_id":"200","session_id":"bot-session"},
                             {"user_id":7,"channel_id":"200","session_id":""},
                             {"user_id":"8","channel_id":null,"member":{"user":{"id":"8","bot":false}}},
                             {"channel_id":"200"}, 5]}
            """);

        var guild = Assert.Single(_guildCreate.Received);
        Assert.Equal(100UL, guild.GuildId);
        Assert.Equal(
            [new VoiceMemberState(900, 200, "bot-session", true), new VoiceMemberState(7, 200, null, null), new VoiceMemberState(8, null, null, false)],
            guild.VoiceStates);
    }

    [Fact]
    public async Task GuildCreate_OfAnUnavailableGuild_IsSkippedQuietly_AndOneWithoutAnId_IsLogged()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "GUILD_CREATE", """{"id":"100","unavailable":true}""");
        Assert.Empty(Unreadable());

        await DispatchAsync(dispatcher, "GUILD_CREATE", """{"id":"not-a-number","voice_states":[]}""");

        Assert.Empty(_guildCreate.Received);
        Assert.Contains("GUILD_CREATE", Assert.Single(Unreadable()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuildDelete_TellsAnOutageFromARemoval()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "GUILD_DELETE", """{"id":"100","unavailable":true}""");
        await DispatchAsync(dispatcher, "GUILD_DELETE", """{"id":"101"}""");
        await DispatchAsync(dispatcher, "GUILD_DELETE", """{"unavailable":true}""");

        Assert.Equal([new GatewayGuildDelete(100, true), new GatewayGuildDelete(101, false)], _guildDelete.Received);
        Assert.Single(Unreadable());
    }

    [Fact]
    public async Task VoiceStateUpdate_GivesTheMembersState_AndNeedsBothIds()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "VOICE_STATE_UPDATE", """
            {"guild_id":"100","channel_id":"200","user_id":"7","session_id":"s-7","self_deaf":false,"member":{"user":{"id":"7","bot":true},"roles":[]}}
            """);
        await DispatchAsync(dispatcher, "VOICE_STATE_UPDATE", """{"guild_id":"100","channel_id":null,"user_id":"8"}""");
        await DispatchAsync(dispatcher, "VOICE_STATE_UPDATE", """{"channel_id":"1","user_id":"8"}""");
        await DispatchAsync(dispatcher, "VOICE_STATE_UPDATE", """{"guild_id":"100","channel_id":"1"}""");

        Assert.Equal(
            [new GatewayVoiceStateUpdate(100, new VoiceMemberState(7, 200, "s-7", true)), new GatewayVoiceStateUpdate(100, new VoiceMemberState(8, null, null, null))],
            _voiceState.Received);
        Assert.Equal(2, Unreadable().Count);
    }

    [Fact]
    public async Task VoiceServerUpdate_KeepsANullEndpoint_AndNeedsTheGuildId()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "VOICE_SERVER_UPDATE", """{"token":"secret-token","guild_id":"100","endpoint":"c-fra01.discord.media:443"}""");
        await DispatchAsync(dispatcher, "VOICE_SERVER_UPDATE", """{"token":"secret-token","guild_id":100,"endpoint":null}""");
        await DispatchAsync(dispatcher, "VOICE_SERVER_UPDATE", "[]");

        Assert.Equal(
            [new GatewayVoiceServerUpdate(100, "secret-token", "c-fra01.discord.media:443"), new GatewayVoiceServerUpdate(100, "secret-token", null)],
            _voiceServer.Received);
        Assert.Single(Unreadable());
        Assert.DoesNotContain("secret-token", _voiceServer.Received[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachEvent_ReachesOnlyItsOwnTypesHandlers_AndUnknownTypesNobody()
    {
        var dispatcher = Dispatcher();

        await DispatchAsync(dispatcher, "VOICE_SERVER_UPDATE", """{"token":"t","guild_id":"100","endpoint":"e"}""");
        await DispatchAsync(dispatcher, "MESSAGE_CREATE", """{"id":"1"}""");
        await DispatchAsync(dispatcher, "RESUMED", "{}");

        Assert.Single(_voiceServer.Received);
        Assert.Empty(_ready.Received);
        Assert.Empty(_guildCreate.Received);
        Assert.Empty(_guildDelete.Received);
        Assert.Empty(_voiceState.Received);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public async Task SeveralHandlersOfOneType_RunInOrder_AndAFailingOneIsLoggedWithoutStoppingTheNext()
    {
        var order = new List<string>();
        var first = new Recorder<GatewayReady>(_ => order.Add("first"));
        var failing = new Recorder<GatewayReady>(_ => throw new InvalidOperationException("handler bug"));
        var last = new Recorder<GatewayReady>(_ => order.Add("last"));
        var dispatcher = Dispatcher(ready: [first, failing, last]);

        await DispatchAsync(dispatcher, "READY", """{"user":{"id":"900"}}""");

        Assert.Equal(["first", "last"], order);
        var failure = Assert.Single(_logs.Entries, entry => entry.Id.Id == HandlerFailedEventId);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("READY", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancellationOfTheShutdown_LeavesTheDispatcher_SoTheShardStops()
    {
        using var stopping = new CancellationTokenSource();
        var dispatcher = Dispatcher(ready: [new Recorder<GatewayReady>(_ =>
        {
            stopping.Cancel();
            stopping.Token.ThrowIfCancellationRequested();
        })]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DispatchAsync(dispatcher, "READY", """{"user":{"id":"900"}}""", cancellationToken: stopping.Token));
    }

    [Fact]
    public void AddDiscordGateway_ComposesTheDispatcherOverTheRegisteredHandlers_OneInstancePerHandlerClass()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new ProviderLoggerFactory(_logs));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IGatewaySessionStore>(new InMemoryGatewaySessionStore());
        services.AddDiscordGateway(new ConfigurationBuilder().Build());
        services.AddGatewayEventHandler<GatewayReady, TwoEventHandler>();
        services.AddGatewayEventHandler<GatewayGuildDelete, TwoEventHandler>();
        services.AddGatewayEventHandler<GatewayReady, TwoEventHandler>();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });

        Assert.IsType<GatewayEventDispatcher>(provider.GetRequiredService<IGatewayDispatchHandler>());
        Assert.Same(provider.GetRequiredService<GatewayShardRegistry>(), provider.GetRequiredService<IGatewayCommandSender>());
        Assert.Single(provider.GetServices<IGatewayEventHandler<GatewayReady>>());
        Assert.Single(provider.GetServices<IGatewayEventHandler<GatewayGuildDelete>>());
        Assert.Empty(provider.GetServices<IGatewayEventHandler<GatewayVoiceStateUpdate>>());
    }

    [Fact]
    public async Task TheComposedDispatcher_HandsBothEventsToTheSameHandlerInstance()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new ProviderLoggerFactory(_logs));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IGatewaySessionStore>(new InMemoryGatewaySessionStore());
        services.AddDiscordGateway(new ConfigurationBuilder().Build());
        services.AddGatewayEventHandler<GatewayReady, TwoEventHandler>();
        services.AddGatewayEventHandler<GatewayGuildDelete, TwoEventHandler>();
        using var provider = services.BuildServiceProvider();
        var dispatcher = provider.GetRequiredService<IGatewayDispatchHandler>();

        await DispatchAsync(dispatcher, "READY", """{"user":{"id":"900"}}""");
        await DispatchAsync(dispatcher, "GUILD_DELETE", """{"id":"100"}""");

        var handler = provider.GetRequiredService<TwoEventHandler>();
        Assert.Equal(["READY 900", "GUILD_DELETE 100"], handler.Seen);
    }

    [Fact]
    public async Task TheRegistry_HoldsCommandsUntilTheShardsAreAttached_AndFailsThemWhenTheyNeverStart()
    {
        var registry = new GatewayShardRegistry();
        Assert.Empty(registry.Shards);

        var waiting = registry.SendVoiceStateUpdateAsync(100, 200, selfMute: false, selfDeaf: true, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        await using var harness = new GatewayHarness();
        var manager = new GatewayShardManager(
            new ThrowingBotInfo(), harness.Connector, harness.Store, harness.Handler, registry, new DiscordCredentials(GatewayHarness.Token),
            harness.Options, null, harness.Clock, harness.Random, harness.LoggerFactory);
        await manager.RunAsync(new CancellationToken(canceled: true));

        var failure = await Assert.ThrowsAsync<GatewayShardFailedException>(() => waiting.WaitAsync(Safety.Timeout));
        Assert.Contains("never started", failure.Message, StringComparison.Ordinal);
    }

    private GatewayEventDispatcher Dispatcher(IEnumerable<IGatewayEventHandler<GatewayReady>>? ready = null) =>
        new(ready ?? [_ready], [_guildCreate], [_guildDelete], [_voiceState], [_voiceServer], new Logger<GatewayEventDispatcher>(new ProviderLoggerFactory(_logs)));

    private static Task DispatchAsync(IGatewayDispatchHandler dispatcher, string type, string json, int shardId = 0, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(json);
        return dispatcher.HandleAsync(new GatewayDispatch(shardId, type, 1, document.RootElement.Clone()), cancellationToken);
    }

    private List<(LogLevel Level, EventId Id, string Message)> Unreadable() =>
        [.. _logs.Entries.Where(entry => entry.Id.Id == UnreadableDispatchEventId && entry.Level == LogLevel.Warning)];

    private sealed class Recorder<TEvent>(Action<TEvent>? onEvent = null) : IGatewayEventHandler<TEvent>
        where TEvent : notnull
    {
        public List<TEvent> Received { get; } = [];

        public Task HandleAsync(TEvent gatewayEvent, CancellationToken cancellationToken)
        {
            Received.Add(gatewayEvent);
            onEvent?.Invoke(gatewayEvent);
            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingBotInfo : IGatewayBotInfoSource
    {
        public Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken) => Task.FromCanceled<GatewayBotInfo>(cancellationToken);
    }
}

/// <summary>One handler class taking two event types, as the voice coordinator does.</summary>
internal sealed class TwoEventHandler : IGatewayEventHandler<GatewayReady>, IGatewayEventHandler<GatewayGuildDelete>
{
    public List<string> Seen { get; } = [];

    public Task HandleAsync(GatewayReady gatewayEvent, CancellationToken cancellationToken)
    {
        Seen.Add($"READY {gatewayEvent.BotUserId}");
        return Task.CompletedTask;
    }

    public Task HandleAsync(GatewayGuildDelete gatewayEvent, CancellationToken cancellationToken)
    {
        Seen.Add($"GUILD_DELETE {gatewayEvent.GuildId}");
        return Task.CompletedTask;
    }
}
