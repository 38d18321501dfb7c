using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;
using static Serverless.Sandbox.Tests.GatewayTests;

namespace Serverless.Sandbox.Tests;

/// <summary>Voice over the gateway double: the bot's op 4 and its two answers, and users joining and leaving.</summary>
public sealed class GatewayVoiceTests
{
    private const ulong Listener = 700000000000000002;
    private const ulong OtherGuild = 700000000000000100;
    private const ulong OtherVoiceChannel = 700000000000000101;

    [Theory]
    [InlineData(VoiceEventOrder.StateFirst)]
    [InlineData(VoiceEventOrder.ServerFirst)]
    public async Task BotJoiningVoice_GetsItsVoiceStateAndAVoiceServer_InTheConfiguredOrder(VoiceEventOrder order)
    {
        await using var sandbox = await Sandboxes.StartAsync(gateway: new SandboxGatewayOptions { VoiceEventOrder = order, VoiceEndpoint = "voice.test:443" });
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        var first = await client.ExpectOpAsync(0);
        var second = await client.ExpectOpAsync(0);

        var (stateEvent, serverEvent) = order == VoiceEventOrder.StateFirst ? (first, second) : (second, first);
        Assert.Equal("VOICE_STATE_UPDATE", stateEvent.GetProperty("t").GetString());
        Assert.Equal("VOICE_SERVER_UPDATE", serverEvent.GetProperty("t").GetString());
        var state = stateEvent.GetProperty("d");
        Assert.Equal(Id(SandboxDefaults.GuildId), state.GetProperty("guild_id").GetString());
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), state.GetProperty("channel_id").GetString());
        Assert.Equal(Id(sandbox.BotUserId), state.GetProperty("user_id").GetString());
        Assert.True(state.GetProperty("self_deaf").GetBoolean());
        Assert.Equal(Id(sandbox.BotUserId), state.GetProperty("member").GetProperty("user").GetProperty("id").GetString());
        var server = serverEvent.GetProperty("d");
        Assert.Equal("voice.test:443", server.GetProperty("endpoint").GetString());
        Assert.False(string.IsNullOrEmpty(server.GetProperty("token").GetString()));
        Assert.Equal(Id(SandboxDefaults.GuildId), server.GetProperty("guild_id").GetString());

        var stored = sandbox.State.GetVoiceState(SandboxDefaults.GuildId, sandbox.BotUserId);
        Assert.Equal(SandboxDefaults.VoiceChannelId, stored?.ChannelId);
        Assert.Equal(state.GetProperty("session_id").GetString(), stored?.SessionId);
        var request = await sandbox.Gateway.WaitForVoiceRequestAsync(null, Sandboxes.WaitTimeout, TestContext.Token);
        Assert.Equal((SandboxDefaults.GuildId, (ulong?)SandboxDefaults.VoiceChannelId, true), (request.GuildId, request.ChannelId, request.Answered));
    }

    [Fact]
    public async Task BotLeavingVoice_GetsOnlyAVoiceStateWithANullChannel()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;
        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        var joined = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        await client.ExpectDispatchAsync("VOICE_SERVER_UPDATE");

        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, null));
        var left = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        await client.SendAsync("""{"op":1,"d":4}""");

        Assert.Equal(JsonValueKind.Null, left.GetProperty("channel_id").ValueKind);
        Assert.Equal(joined.GetProperty("session_id").GetString(), left.GetProperty("session_id").GetString());
        // Nothing else was sent before the ACK: no VOICE_SERVER_UPDATE for a leave.
        await client.ExpectOpAsync(11);
        Assert.Null(sandbox.State.GetVoiceState(SandboxDefaults.GuildId, sandbox.BotUserId));
        using var response = await api.GetAsync($"guilds/{SandboxDefaults.GuildId}/voice-states/@me", TestContext.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task NullEndpointFirst_SendsTheRealEndpointAfterTheDelay_WithANewToken()
    {
        await using var sandbox = await Sandboxes.StartAsync(gateway: new SandboxGatewayOptions { NullVoiceEndpointFor = TimeSpan.FromMilliseconds(100) });
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        await client.ExpectDispatchAsync("VOICE_STATE_UPDATE");
        var pending = (await client.ExpectDispatchAsync("VOICE_SERVER_UPDATE")).GetProperty("d");
        var allocated = (await client.ExpectDispatchAsync("VOICE_SERVER_UPDATE")).GetProperty("d");

        Assert.Equal(JsonValueKind.Null, pending.GetProperty("endpoint").ValueKind);
        Assert.Equal(sandbox.Gateway.Options.VoiceEndpoint, allocated.GetProperty("endpoint").GetString());
        Assert.NotEqual(pending.GetProperty("token").GetString(), allocated.GetProperty("token").GetString());
    }

    [Fact]
    public async Task WithoutTheVoiceStatesIntent_TheBotGetsNoVoiceStateUpdate()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox, intents: 1);
        await using var _ = client;

        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        await client.ExpectDispatchAsync("VOICE_SERVER_UPDATE");
        await client.SendAsync("""{"op":1,"d":3}""");

        await client.ExpectOpAsync(11);
    }

    [Fact]
    public async Task VoiceRequestForATextChannel_OrScriptedToBeIgnored_GetsNoAnswer_ButIsRecorded()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.ChannelId));
        await sandbox.Gateway.WaitForVoiceRequestAsync(null, Sandboxes.WaitTimeout, TestContext.Token);
        sandbox.Gateway.IgnoreNextVoiceRequests(1);
        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        await client.SendAsync("""{"op":1,"d":2}""");

        await client.ExpectOpAsync(11);
        Assert.Collection(
            sandbox.Gateway.VoiceRequests,
            request => Assert.Contains("not a voice channel", request.IgnoredBecause, StringComparison.Ordinal),
            request => Assert.Contains("scripted", request.IgnoredBecause, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserJoiningMovingAndLeavingVoice_DispatchesVoiceStateUpdates()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        sandbox.State.SetChannel(OtherVoiceChannel, type: 2, guildId: SandboxDefaults.GuildId, name: "Music");
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, SandboxDefaults.VoiceChannelId);
        var joined = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, OtherVoiceChannel);
        var moved = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, null);
        var left = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");

        Assert.Equal(Id(Listener), joined.GetProperty("user_id").GetString());
        Assert.Equal(Id(SandboxDefaults.GuildId), joined.GetProperty("guild_id").GetString());
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), joined.GetProperty("channel_id").GetString());
        Assert.Equal(Id(OtherVoiceChannel), moved.GetProperty("channel_id").GetString());
        Assert.Equal(JsonValueKind.Null, left.GetProperty("channel_id").ValueKind);
        Assert.Empty(sandbox.State.VoiceStates(SandboxDefaults.GuildId));
    }

    [Fact]
    public async Task SetUserVoiceChannel_RefusesTheBotAndChannelsThatAreNotVoiceChannelsOfTheGuild()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        sandbox.State.SetChannel(OtherVoiceChannel, type: 2, guildId: OtherGuild);

        Assert.Throws<ArgumentException>(() => sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, sandbox.BotUserId, SandboxDefaults.VoiceChannelId));
        Assert.Throws<ArgumentException>(() => sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, SandboxDefaults.ChannelId));
        Assert.Throws<ArgumentException>(() => sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, OtherVoiceChannel));
    }

    [Fact]
    public async Task VoiceChannelsOfATestGuild_AppearInItsGuildCreate_AndTheBotCanJoinThem()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        sandbox.State.SetChannel(OtherVoiceChannel, type: 2, guildId: OtherGuild, name: "Stage Left");
        await using var client = await GatewayClient.ConnectAsync(sandbox);
        await client.ExpectOpAsync(10);
        await client.SendAsync(GatewayClient.Identify(sandbox.BotToken));
        await client.ExpectDispatchAsync("READY");
        var guilds = new[] { (await client.ExpectDispatchAsync("GUILD_CREATE")).GetProperty("d"), (await client.ExpectDispatchAsync("GUILD_CREATE")).GetProperty("d") };

        var other = Assert.Single(guilds, guild => guild.GetProperty("id").GetString() == Id(OtherGuild));
        var channel = Assert.Single(other.GetProperty("channels").EnumerateArray());
        Assert.Equal("Stage Left", channel.GetProperty("name").GetString());
        await client.SendAsync(GatewayClient.VoiceStateUpdate(OtherGuild, OtherVoiceChannel));
        var state = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        Assert.Equal(Id(OtherVoiceChannel), state.GetProperty("channel_id").GetString());
    }

    [Fact]
    public async Task RestVoiceState_ShowsWhereAUserIs_Or10065()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.Gateway.SetUserVoiceChannel(SandboxDefaults.GuildId, Listener, SandboxDefaults.VoiceChannelId);

        using var inVoice = await api.GetAsync($"guilds/{SandboxDefaults.GuildId}/voice-states/{Listener}", TestContext.Token);
        using var notInVoice = await api.GetAsync($"guilds/{SandboxDefaults.GuildId}/voice-states/{SandboxDefaults.UserId}", TestContext.Token);
        var state = await inVoice.ReadJsonAsync();
        var error = await notInVoice.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, inVoice.StatusCode);
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), state.GetProperty("channel_id").GetString());
        Assert.Equal(Id(SandboxDefaults.GuildId), state.GetProperty("guild_id").GetString());
        Assert.Equal(Id(Listener), state.GetProperty("user_id").GetString());
        Assert.Equal(Id(Listener), state.GetProperty("member").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, notInVoice.StatusCode);
        Assert.Equal(10065, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ControlApi_PutsUsersInVoice_AndScriptsTheGateway()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        using var joined = await control.PostAsync("_sandbox/voice-states", Sandboxes.Json($$"""{"userId":"{{Listener}}","channelId":"{{SandboxDefaults.VoiceChannelId}}"}"""), TestContext.Token);
        var dispatched = (await client.ExpectDispatchAsync("VOICE_STATE_UPDATE")).GetProperty("d");
        var listed = await (await control.GetAsync("_sandbox/voice-states", TestContext.Token)).ReadJsonAsync();
        using var badChannel = await control.PostAsync("_sandbox/voice-states", Sandboxes.Json($$"""{"userId":"{{Listener}}","channelId":"{{SandboxDefaults.ChannelId}}"}"""), TestContext.Token);
        using var settings = await control.PutAsync("_sandbox/gateway/voice", Sandboxes.Json("""{"order":"serverFirst","endpoint":"elsewhere.test:443"}"""), TestContext.Token);
        await client.SendAsync(GatewayClient.VoiceStateUpdate(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId));
        var first = await client.ExpectOpAsync(0);
        await client.ExpectDispatchAsync("VOICE_STATE_UPDATE");
        using var gone = await control.PostAsync("_sandbox/gateway/voice-server", Sandboxes.Json("""{"endpoint":null}"""), TestContext.Token);
        var serverGone = (await client.ExpectDispatchAsync("VOICE_SERVER_UPDATE")).GetProperty("d");
        var status = await (await control.GetAsync("_sandbox/gateway", TestContext.Token)).ReadJsonAsync();
        using var closed = await control.PostAsync("_sandbox/gateway/close", Sandboxes.Json("""{"code":4009}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal(Id(Listener), dispatched.GetProperty("user_id").GetString());
        Assert.Equal(Id(Listener), Assert.Single(listed.EnumerateArray()).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badChannel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal("VOICE_SERVER_UPDATE", first.GetProperty("t").GetString());
        Assert.Equal("elsewhere.test:443", first.GetProperty("d").GetProperty("endpoint").GetString());
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Equal(JsonValueKind.Null, serverGone.GetProperty("endpoint").ValueKind);
        Assert.Equal(1, status.GetProperty("identifies").GetInt32());
        Assert.Equal("serverFirst", status.GetProperty("voiceEventOrder").GetString());
        Assert.True(Assert.Single(status.GetProperty("connections").EnumerateArray()).GetProperty("isOpen").GetBoolean());
        Assert.Equal(Id(SandboxDefaults.VoiceChannelId), Assert.Single(status.GetProperty("voiceRequests").EnumerateArray()).GetProperty("channelId").GetString());
        Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        Assert.Equal(4009, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task ControlApi_ListsReceivedPayloads_AndScriptsZombieAndDrop()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);
        var (client, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using var _ = client;

        using var zombie = await control.PostAsync("_sandbox/gateway/zombie", null, TestContext.Token);
        await client.SendAsync("""{"op":1,"d":2}""");
        await sandbox.Gateway.WaitForOpAsync(1, null, Sandboxes.WaitTimeout, TestContext.Token);
        var received = await (await control.GetAsync("_sandbox/gateway/received?since=0", TestContext.Token)).ReadJsonAsync();
        using var drop = await control.PostAsync("_sandbox/gateway/drop", null, TestContext.Token);

        Assert.Equal(HttpStatusCode.NoContent, zombie.StatusCode);
        Assert.Equal([2, 1], received.GetProperty("payloads").EnumerateArray().Select(p => p.GetProperty("op").GetInt32()));
        Assert.Equal(2, received.GetProperty("nextIndex").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, drop.StatusCode);
        // The heartbeat was never ACKed: the next thing the client sees is the dropped connection.
        Assert.Null(await client.ReceiveCloseAsync());
    }
}
