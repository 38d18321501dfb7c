using System.Globalization;
using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

/// <summary>The gateway double through a real WebSocket: handshake, heartbeats, resume and Discord's close codes.</summary>
public sealed class GatewayTests
{
    private const ulong Listener = 700000000000000001;

    private static readonly SandboxGatewayOptions FastHeartbeats = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(250) };

    [Fact]
    public async Task Hello_CarriesTheConfiguredHeartbeatInterval()
    {
        await using var sandbox = await Sandboxes.StartAsync(gateway: FastHeartbeats);
        await using var client = await GatewayClient.ConnectAsync(sandbox);

        var hello = await client.ExpectOpAsync(10);

        Assert.Equal(250, hello.GetProperty("d").GetProperty("heartbeat_interval").GetInt32());
        Assert.Equal(JsonValueKind.Null, hello.GetProperty("s").ValueKind);
        Assert.Equal(JsonValueKind.Null, hello.GetProperty("t").ValueKind);
    }

    [Fact]
    public async Task Identify_GetsReadyThenGuildCreateWithVoiceChannelsAndVoiceStates()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, SandboxDefaults.VoiceChannelId);
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));
        var ready = await client.ExpectDispatchAsync("READY");
        var guildCreate = await client.ExpectDispatchAsync("GUILD_CREATE");

        var readyData = ready.GetProperty("d");
        Assert.Equal(1, ready.GetProperty("s").GetInt64());
        Assert.Equal(10, readyData.GetProperty("v").GetInt32());
        Assert.Equal(Id(sandbox.BotUserId), readyData.GetProperty("user").GetProperty("id").GetString());
        Assert.True(readyData.GetProperty("user").GetProperty("bot").GetBoolean());
        var guild = Assert.Single(readyData.GetProperty("guilds").EnumerateArray());
        Assert.Equal(Id(SandboxDefaults.GuildId), guild.GetProperty("id").GetString());
        Assert.True(guild.GetProperty("unavailable").GetBoolean());
        Assert.Matches("^[0-9a-f]{32}$", readyData.GetProperty("session_id").GetString());
        Assert.Equal(sandbox.GatewayUrl, readyData.GetProperty("resume_gateway_url").GetString());
        Assert.Equal("[0,1]", readyData.GetProperty("shard").GetRawText());
        Assert.Equal(Id(sandbox.ApplicationId), readyData.GetProperty("application").GetProperty("id").GetString());

        var guildData = guildCreate.GetProperty("d");
        Assert.Equal(2, guildCreate.GetProperty("s").GetInt64());
        Assert.Equal(Id(SandboxDefaults.GuildId), guildData.GetProperty("id").GetString());
        var voiceChannel = Assert.Single(guildData.GetProperty("channels").EnumerateArray(), channel => channel.GetProperty("type").GetInt32() == 2);
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), voiceChannel.GetProperty("id").GetString());
        Assert.Equal(SandboxDefaults.VoiceChannelName, voiceChannel.GetProperty("name").GetString());
        var voiceState = Assert.Single(guildData.GetProperty("voice_states").EnumerateArray());
        Assert.Equal(Id(Listener), voiceState.GetProperty("user_id").GetString());
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), voiceState.GetProperty("channel_id").GetString());
        Assert.False(string.IsNullOrEmpty(voiceState.GetProperty("session_id").GetString()));
        Assert.Contains(guildData.GetProperty("members").EnumerateArray(), member => member.GetProperty("user").GetProperty("id").GetString() == Id(Listener));

        var session = await sandbox.Gateway.WaitForSessionAsync(null, Sandboxes.WaitTimeout, TestContext.Token);
        Assert.False(session.Resumed);
        Assert.Equal(GatewayClient.GuildsAndVoiceStates, session.Intents);
        Assert.Equal(1, sandbox.Gateway.IdentifyCount);
    }

    [Fact]
    public async Task DefaultVoiceChannel_LetsTheBotConnectAndSpeak()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        var channel = await (await api.GetAsync($"channels/{SandboxDefaults.VoiceChannelId}", TestContext.Token)).ReadJsonAsync();
        var guild = await (await api.GetAsync($"guilds/{SandboxDefaults.GuildId}", TestContext.Token)).ReadJsonAsync();
        var everyone = ulong.Parse(guild.GetProperty("roles")[0].GetProperty("permissions").GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal(2, channel.GetProperty("type").GetInt32());
        Assert.Equal(0, channel.GetProperty("permission_overwrites").GetArrayLength());
        const ulong ViewConnectSpeak = (1UL << 10) | (1UL << 20) | (1UL << 21);
        Assert.Equal(ViewConnectSpeak, everyone & ViewConnectSpeak);
    }

    [Fact]
    public async Task WrongToken_ClosesWith4004()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync(GatewayClient.Identify("not-the-token"));

        Assert.Equal(4004, await client.ReceiveCloseAsync());
        var ended = await sandbox.Gateway.WaitForConnectionEndedAsync(null, Sandboxes.WaitTimeout, TestContext.Token);
        Assert.Equal(GatewayCloseInitiator.Server, ended.InitiatedBy);
        Assert.Equal(4004, ended.CloseCode);
    }

    [Theory]
    [InlineData("?v=9&encoding=json")]
    [InlineData("")]
    public async Task OtherApiVersion_ClosesWith4012(string query)
    {
        await using var sandbox = await Sandboxes.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(sandbox, query);

        Assert.Equal(4012, await client.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData("""{"op":99,"d":null}""", 4001)]
    [InlineData("""{"op":4,"d":{"guild_id":"1","channel_id":null}}""", 4003)]
    [InlineData("""{"op":3,"d":{"status":"online"}}""", 4003)]
    [InlineData("not json", 4002)]
    [InlineData("""{"op":"1","d":null}""", 4002)]
    public async Task ProtocolErrors_CloseWithDiscordsCodes(string payload, int expectedCode)
    {
        await using var sandbox = await Sandboxes.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync(payload);

        Assert.Equal(expectedCode, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task SecondIdentify_ClosesWith4005()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));

        Assert.Equal(4005, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task PayloadOver4096Bytes_ClosesWith4002()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        await client.SendAsync($$$"""{"op":3,"d":{"status":"online","padding":"{{{new string('x', 4100)}}}"}}""");

        Assert.Equal(4002, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MoreSendsThanTheLimit_ClosesWith4008()
    {
        await using var sandbox = await Sandboxes.StartAsync(gateway: new SandboxGatewayOptions { ClientSendLimit = new RouteRateLimit(5, TimeSpan.FromMinutes(1)) });
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync("""{"op":1,"d":null}""");
            await client.ExpectOpAsync(11);
        }

        await client.SendAsync("""{"op":1,"d":null}""");

        Assert.Equal(4008, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Heartbeat_IsAcknowledgedAndRecorded_EvenBeforeIdentify()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync("""{"op":1,"d":null}""");
        var ack = await client.ExpectOpAsync(11);

        Assert.Equal(JsonValueKind.Null, ack.GetProperty("s").ValueKind);
        Assert.Single(sandbox.Gateway.HeartbeatsReceived);
    }

    [Fact]
    public async Task StopAcknowledgingHeartbeats_LeavesHeartbeatsUnanswered_UntilTheClientReconnects()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        sandbox.Gateway.StopAcknowledgingHeartbeats();
        await client.SendAsync("""{"op":1,"d":2}""");
        await sandbox.Gateway.WaitForOpAsync(1, null, Sandboxes.WaitTimeout, TestContext.Token);
        // A payload the gateway sends after handling the heartbeat: had it ACKed, the ACK would come first.
        sandbox.Gateway.RequestHeartbeat();
        var next = await client.ReceiveAsync();

        Assert.Equal(1, next.GetProperty("op").GetInt32());
        await using var fresh = await GatewayClient.ConnectAsync(sandbox);
        await fresh.ExpectOpAsync(10);
        await fresh.SendAsync("""{"op":1,"d":null}""");
        await fresh.ExpectOpAsync(11);
    }

    [Fact]
    public async Task Resume_ReplaysMissedDispatchesThenSendsResumed()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (first, ready) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        var sessionId = ready.GetProperty("session_id").GetString()!;
        first.Abort();
        await first.DisposeAsync();
        var dropped = await sandbox.Gateway.WaitForConnectionEndedAsync(null, Sandboxes.WaitTimeout, TestContext.Token);

        // Happens while no connection holds the session: buffered for the resume.
        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, SandboxDefaults.VoiceChannelId);
        await using var second = await GatewayClient.ConnectAsync(sandbox);
        await second.ExpectOpAsync(10);
        await second.SendAsync(GatewayClient.Resume(sandbox.BotToken, sessionId, sequence: 2));
        var replayed = await second.ExpectDispatchAsync("VOICE_STATE_UPDATE");
        var resumed = await second.ExpectDispatchAsync("RESUMED");

        Assert.Equal(GatewayCloseInitiator.ClientDropped, dropped.InitiatedBy);
        Assert.Equal(3, replayed.GetProperty("s").GetInt64());
        Assert.Equal(Id(Listener), replayed.GetProperty("d").GetProperty("user_id").GetString());
        Assert.Equal(4, resumed.GetProperty("s").GetInt64());
        var session = await sandbox.Gateway.WaitForSessionAsync(start => start.Resumed, Sandboxes.WaitTimeout, TestContext.Token);
        Assert.Equal(sessionId, session.SessionId);
        Assert.Equal(1, sandbox.Gateway.ResumeCount);
        Assert.Equal(1, sandbox.Gateway.IdentifyCount);
    }

    [Fact]
    public async Task Resume_FromAnEarlierSequence_ReplaysWhatTheClientHadNotProcessed()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (first, ready) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        first.Abort();
        await first.DisposeAsync();

        await using var second = await GatewayClient.ConnectAsync(sandbox);
        await second.ExpectOpAsync(10);
        await second.SendAsync(GatewayClient.Resume(sandbox.BotToken, ready.GetProperty("session_id").GetString()!, sequence: 1));

        Assert.Equal(2, (await second.ExpectDispatchAsync("GUILD_CREATE")).GetProperty("s").GetInt64());
        await second.ExpectDispatchAsync("RESUMED");
    }

    [Fact]
    public async Task Resume_OfAnUnknownSession_GetsInvalidSessionNotResumable()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync(GatewayClient.Resume(sandbox.BotToken, "0123456789abcdef0123456789abcdef", sequence: 5));
        var invalid = await client.ExpectOpAsync(9);

        Assert.False(invalid.GetProperty("d").GetBoolean());
    }

    [Fact]
    public async Task InvalidSession_NotResumable_EndsTheSession_AndTheSameConnectionMayIdentifyAgain()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, ready) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        sandbox.Gateway.SendInvalidSession(resumable: false);
        var invalid = await client.ExpectOpAsync(9);
        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));
        var newReady = await client.ExpectDispatchAsync("READY");
        await using var other = await GatewayClient.ConnectAsync(sandbox);
        await other.ExpectOpAsync(10);
        await other.SendAsync(GatewayClient.Resume(sandbox.BotToken, ready.GetProperty("session_id").GetString()!, sequence: 2));

        Assert.False(invalid.GetProperty("d").GetBoolean());
        Assert.NotEqual(ready.GetProperty("session_id").GetString(), newReady.GetProperty("d").GetProperty("session_id").GetString());
        Assert.False((await other.ExpectOpAsync(9)).GetProperty("d").GetBoolean());
    }

    [Fact]
    public async Task InvalidSession_Resumable_SaysSo()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        sandbox.Gateway.SendInvalidSession(resumable: true);

        Assert.True((await client.ExpectOpAsync(9)).GetProperty("d").GetBoolean());
    }

    [Fact]
    public async Task ClientClosingWith1000_EndsTheSession_AndIsRecorded()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, ready) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await client.CloseAsync(1000);
        await client.DisposeAsync();
        var ended = await sandbox.Gateway.WaitForConnectionEndedAsync(null, Sandboxes.WaitTimeout, TestContext.Token);

        await using var other = await GatewayClient.ConnectAsync(sandbox);
        await other.ExpectOpAsync(10);
        await other.SendAsync(GatewayClient.Resume(sandbox.BotToken, ready.GetProperty("session_id").GetString()!, sequence: 2));

        Assert.Equal(GatewayCloseInitiator.Client, ended.InitiatedBy);
        Assert.Equal(1000, ended.CloseCode);
        Assert.False((await other.ExpectOpAsync(9)).GetProperty("d").GetBoolean());
    }

    [Fact]
    public async Task DropConnections_EndsThemWithoutACloseFrame_AndTheSessionStaysResumable()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, ready) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        Assert.Equal(1, sandbox.Gateway.DropConnections());
        var closeCode = await client.ReceiveCloseAsync();
        var ended = await sandbox.Gateway.WaitForConnectionEndedAsync(null, Sandboxes.WaitTimeout, TestContext.Token);
        await using var second = await GatewayClient.ConnectAsync(sandbox);
        await second.ExpectOpAsync(10);
        await second.SendAsync(GatewayClient.Resume(sandbox.BotToken, ready.GetProperty("session_id").GetString()!, sequence: 2));

        Assert.Null(closeCode);
        Assert.Equal(GatewayCloseInitiator.ServerDropped, ended.InitiatedBy);
        await second.ExpectDispatchAsync("RESUMED");
    }

    [Fact]
    public async Task ScriptedReconnectAndClose_ReachTheClient()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        sandbox.Gateway.SendReconnect();
        await client.ExpectOpAsync(7);
        sandbox.Gateway.CloseConnections(4000, "scripted");

        Assert.Equal(4000, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task FailNextIdentifies_AnswersThemWithInvalidSession_ThenIdentifyWorks()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        sandbox.Gateway.FailNextIdentifies(1);
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);

        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));
        var invalid = await client.ExpectOpAsync(9);
        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));

        Assert.False(invalid.GetProperty("d").GetBoolean());
        await client.ExpectDispatchAsync("READY");
        Assert.Equal(2, sandbox.Gateway.IdentifyCount);
    }

    [Fact]
    public async Task Shards_AreCheckedAndGuildsRoutedByGuildId()
    {
        const ulong OddShardGuild = (1UL << 22) * 3;
        await using var sandbox = await Sandboxes.StartAsync(gateway: new SandboxGatewayOptions { ShardCount = 2 });
        sandbox.State.SetChannel(800000000000000001, type: 2, guildId: OddShardGuild);
        var defaultGuildShard = (int)((SandboxDefaults.GuildId >> 22) % 2);

        await using var unsharded = await GatewayClient.ConnectAsync(sandbox);
        await unsharded.ExpectOpAsync(10);
        await unsharded.SendAsync(GatewayClient.Identify(sandbox.BotToken, shard: "[0,1]"));
        await using var badShard = await GatewayClient.ConnectAsync(sandbox);
        await badShard.ExpectOpAsync(10);
        await badShard.SendAsync(GatewayClient.Identify(sandbox.BotToken, shard: "[2,2]"));
        await using var shardOne = await GatewayClient.ConnectAsync(sandbox);
        await shardOne.ExpectOpAsync(10);
        await shardOne.SendAsync(GatewayClient.Identify(sandbox.BotToken, shard: "[1,2]"));
        var ready = (await shardOne.ExpectDispatchAsync("READY")).GetProperty("d");

        Assert.Equal(4011, await unsharded.ReceiveCloseAsync());
        Assert.Equal(4010, await badShard.ReceiveCloseAsync());
        var expected = new[] { (SandboxDefaults.GuildId, defaultGuildShard), (OddShardGuild, 1) }.Where(g => g.Item2 == 1).Select(g => Id(g.Item1)).Order();
        Assert.Equal(expected, ready.GetProperty("guilds").EnumerateArray().Select(g => g.GetProperty("id").GetString()!).Order());
    }

    [Fact]
    public async Task GatewayBot_GivesTheWebSocketUrlShardsAndTheIdentifiesLeft()
    {
        await using var sandbox = await Sandboxes.StartAsync(gateway: new SandboxGatewayOptions { ShardCount = 1, SessionStartLimit = 50 });
        using var api = Sandboxes.Api(sandbox);
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        var gateway = await (await api.GetAsync("gateway/bot", TestContext.Token)).ReadJsonAsync();
        var limit = gateway.GetProperty("session_start_limit");

        Assert.Equal($"ws://127.0.0.1:{sandbox.Port}/gateway", gateway.GetProperty("url").GetString());
        Assert.Equal(1, gateway.GetProperty("shards").GetInt32());
        Assert.Equal(50, limit.GetProperty("total").GetInt32());
        Assert.Equal(49, limit.GetProperty("remaining").GetInt32());
        Assert.InRange(limit.GetProperty("reset_after").GetInt64(), 1, (long)TimeSpan.FromDays(1).TotalMilliseconds);
        Assert.Equal(1, limit.GetProperty("max_concurrency").GetInt32());
    }

    [Fact]
    public async Task PlainHttpToTheGateway_IsABadRequest()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var http = Sandboxes.Control(sandbox);

        using var response = await http.GetAsync("gateway?v=10&encoding=json", TestContext.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    internal static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
