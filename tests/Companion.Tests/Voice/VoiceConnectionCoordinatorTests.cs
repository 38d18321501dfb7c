using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using static Serverless.Companion.Tests.Voice.VoiceHarness;

namespace Serverless.Companion.Tests.Voice;

public sealed class VoiceConnectionCoordinatorTests
{
    private const string Endpoint = "c-fra01-1234.discord.media:443";

    [Fact]
    public async Task Connect_SendsOp4ForTheChannelSelfDeafenedAndNotMuted()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        _ = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        Assert.Equal([new VoiceStateUpdateSent(GuildId, ChannelId, SelfMute: false, SelfDeaf: true)], voice.Gateway.Sent);
    }

    [Fact]
    public async Task Connect_StateThenServer_HandsAllFourValuesToLavalinkOnce()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.BotStateAsync(ChannelId, "voice-session-1");
        Assert.False(connect.IsCompleted);
        Assert.Empty(voice.Lavalink.Updates);
        await voice.ServerAsync("token-1", Endpoint);
        await connect;

        var update = Assert.Single(voice.Lavalink.Updates);
        Assert.Equal(GuildId, update.GuildId);
        Assert.False(update.NoReplace);
        Assert.Equal(ExpectedVoice("token-1", Endpoint, "voice-session-1", ChannelId), update.Update.Voice);
        Assert.Null(update.Update.EncodedTrack);
        Assert.False(update.Update.StopTrack);
    }

    [Fact]
    public async Task Connect_ServerThenState_HandsAllFourValuesToLavalinkOnce()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.ServerAsync("token-1", Endpoint);
        Assert.False(connect.IsCompleted);
        await voice.BotStateAsync(ChannelId, "voice-session-1");
        await connect;

        Assert.Equal([ExpectedVoice("token-1", Endpoint, "voice-session-1", ChannelId)], voice.Lavalink.VoiceUpdates);
        Assert.Equal(ChannelId, voice.Coordinator.BotChannel(GuildId));
    }

    [Fact]
    public async Task Connect_ServerUpdateWithNullEndpoint_IsIgnoredUntilOneWithAnEndpoint()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-without-server", endpoint: null);
        Assert.False(connect.IsCompleted);
        Assert.Empty(voice.Lavalink.Updates);

        await voice.ServerAsync("token-2", Endpoint);
        await connect;

        Assert.Equal([ExpectedVoice("token-2", Endpoint, "voice-session-1", ChannelId)], voice.Lavalink.VoiceUpdates);
    }

    [Fact]
    public async Task Connect_WithoutAnAnswer_ThrowsVoiceConnectExceptionAtTheTimeoutAndNotBefore()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        voice.Time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(connect.IsCompleted);
        voice.Time.Advance(TimeSpan.FromSeconds(0.1));

        var exception = await Assert.ThrowsAsync<VoiceConnectException>(() => connect);
        Assert.Contains("10 s", exception.Message, StringComparison.Ordinal);
        Assert.Contains("full", exception.Message, StringComparison.Ordinal);
        Assert.Empty(voice.Lavalink.Updates);
        Assert.Empty(voice.Coordinator.ConnectedGuilds);
    }

    [Fact]
    public async Task Connect_UsesTheConfiguredTimeout()
    {
        using var voice = new VoiceHarness(connectTimeout: TimeSpan.FromSeconds(3));
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        voice.Time.Advance(TimeSpan.FromSeconds(3));

        var exception = await Assert.ThrowsAsync<VoiceConnectException>(() => connect);
        Assert.Contains("3 s", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_TimingOutAfterOnlyTheBotsStateArrived_LeavesTheChannelAgain()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        await voice.BotStateAsync(ChannelId);

        voice.Time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<VoiceConnectException>(() => connect);
        Assert.Equal([ChannelId, null], voice.Gateway.Sent.Select(sent => sent.ChannelId));
    }

    [Fact]
    public async Task Connect_OtherUsersStateUpdates_DoNotCountAsTheBots()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.UserStateAsync(userId: 42, ChannelId);
        await voice.UserStateAsync(userId: 43, ChannelId, isBot: true);
        await voice.ServerAsync("token-1", Endpoint);

        Assert.False(connect.IsCompleted);
        Assert.Empty(voice.Lavalink.Updates);
        voice.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<VoiceConnectException>(() => connect);
    }

    [Fact]
    public async Task Connect_BotStateInTheOldChannel_DoesNotAnswerAJoinOfAnotherChannel()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        var move = voice.Coordinator.ConnectAsync(GuildId, OtherChannelId, CancellationToken.None);

        // A moderator deafens the bot in its old channel while the move is under way.
        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-2", Endpoint);
        Assert.False(move.IsCompleted);

        await voice.BotStateAsync(OtherChannelId);
        await move;

        Assert.Equal(
            [ExpectedVoice("token-1", Endpoint, "voice-session-1", ChannelId), ExpectedVoice("token-2", Endpoint, "voice-session-1", OtherChannelId)],
            voice.Lavalink.VoiceUpdates);
    }

    [Fact]
    public async Task Move_WithoutAnAnswer_KeepsTheConnectionInTheOldChannel()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        var move = voice.Coordinator.ConnectAsync(GuildId, OtherChannelId, CancellationToken.None);

        voice.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<VoiceConnectException>(() => move);

        Assert.Equal([GuildId], voice.Coordinator.ConnectedGuilds);
        Assert.Equal(ChannelId, voice.Coordinator.BotChannel(GuildId));
        Assert.Empty(voice.Lost);
        await voice.ServerAsync("token-2", Endpoint);
        Assert.Equal(ExpectedVoice("token-2", Endpoint, "voice-session-1", ChannelId), voice.Lavalink.VoiceUpdates[^1]);
    }

    [Fact]
    public async Task Connect_ToAnotherChannelDuringAJoin_WaitsForThatJoinThenMoves()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var first = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        var second = voice.Coordinator.ConnectAsync(GuildId, OtherChannelId, CancellationToken.None);
        Assert.Single(voice.Gateway.Sent);

        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-1", Endpoint);
        await first;
        await voice.Gateway.WhenSentAsync(count: 2);
        await voice.BotStateAsync(OtherChannelId);
        await voice.ServerAsync("token-2", Endpoint);
        await second;

        Assert.Equal([ChannelId, OtherChannelId], voice.Gateway.Sent.Select(sent => sent.ChannelId));
        Assert.Equal(ExpectedVoice("token-2", Endpoint, "voice-session-1", OtherChannelId), voice.Lavalink.VoiceUpdates[^1]);
    }

    [Fact]
    public async Task Connect_WhenAlreadyInTheChannel_SendsNothingAgain()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        Assert.Single(voice.Gateway.Sent);
        Assert.Single(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task Connect_ConcurrentCallsForTheSameChannel_ShareOneOp4AndOneLavalinkUpdate()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        var first = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        var second = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-1", Endpoint);
        await Task.WhenAll(first, second);

        Assert.Single(voice.Gateway.Sent);
        Assert.Single(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task Connect_CallerCancellation_StopsOnlyThatCallersWait()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        using var impatient = new CancellationTokenSource();

        var cancelled = voice.Coordinator.ConnectAsync(GuildId, ChannelId, impatient.Token);
        var patient = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-1", Endpoint);
        await patient;

        Assert.Single(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task Connect_WhenLavalinkIsUnavailable_ThrowsItToTheCaller()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        voice.Lavalink.UpdateFailure = new LavalinkUnavailableException("no session");
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.BotStateAsync(ChannelId);
        await voice.ServerAsync("token-1", Endpoint);

        await Assert.ThrowsAsync<LavalinkUnavailableException>(() => connect);
    }

    [Fact]
    public async Task LaterVoiceServerUpdate_IsForwardedWithTheNewTokenAndEndpoint()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.ServerAsync("token-2", "c-ams02-5678.discord.media:443");

        Assert.Equal(
            [ExpectedVoice("token-1", Endpoint, "voice-session-1", ChannelId), ExpectedVoice("token-2", "c-ams02-5678.discord.media:443", "voice-session-1", ChannelId)],
            voice.Lavalink.VoiceUpdates);
    }

    [Fact]
    public async Task LaterVoiceServerUpdateWithNullEndpoint_ForwardsNothingUntilTheNextServer()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.ServerAsync("token-gone", endpoint: null);
        await voice.BotStateAsync(ChannelId, "voice-session-2");
        Assert.Single(voice.Lavalink.Updates);

        await voice.ServerAsync("token-3", Endpoint);
        Assert.Equal(ExpectedVoice("token-3", Endpoint, "voice-session-2", ChannelId), voice.Lavalink.VoiceUpdates[^1]);
        Assert.Equal(2, voice.Lavalink.Updates.Count);
    }

    [Fact]
    public async Task BotMovedByAModerator_IsForwardedWithTheNewChannelId()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.BotStateAsync(OtherChannelId);

        Assert.Equal(ExpectedVoice("token-1", Endpoint, "voice-session-1", OtherChannelId), voice.Lavalink.VoiceUpdates[^1]);
        Assert.Equal(OtherChannelId, voice.Coordinator.BotChannel(GuildId));
    }

    [Fact]
    public async Task NewVoiceSessionId_IsForwarded()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.BotStateAsync(ChannelId, "voice-session-2");

        Assert.Equal(ExpectedVoice("token-1", Endpoint, "voice-session-2", ChannelId), voice.Lavalink.VoiceUpdates[^1]);
    }

    [Fact]
    public async Task UnchangedBotState_IsNotForwardedAgain()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.BotStateAsync(ChannelId, "voice-session-1");

        Assert.Single(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task BotKicked_ForgetsTheConnectionAndRaisesConnectionLost()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.BotStateAsync(channelId: null);

        var lost = Assert.Single(voice.Lost);
        Assert.Equal(new VoiceConnectionLost(GuildId, ChannelId, VoiceConnectionLostReason.DisconnectedFromChannel), lost);
        Assert.Empty(voice.Coordinator.ConnectedGuilds);
        Assert.Null(voice.Coordinator.BotChannel(GuildId));

        await voice.ServerAsync("token-2", Endpoint);
        Assert.Single(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task BotRemovedFromTheGuild_RaisesConnectionLost()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.DispatchAsync("GUILD_DELETE", VoiceDispatches.GuildDelete(GuildId, unavailable: false));

        Assert.Equal(VoiceConnectionLostReason.RemovedFromGuild, Assert.Single(voice.Lost).Reason);
        Assert.Empty(voice.Coordinator.ConnectedGuilds);
    }

    [Fact]
    public async Task GuildOutage_KeepsTheConnection()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.DispatchAsync("GUILD_DELETE", VoiceDispatches.GuildDelete(GuildId, unavailable: true));

        Assert.Empty(voice.Lost);
        Assert.Equal([GuildId], voice.Coordinator.ConnectedGuilds);
    }

    [Fact]
    public async Task Disconnect_SendsOp4WithoutChannelDestroysThePlayerAndForgetsTheConnection()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();

        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);
        await voice.BotStateAsync(channelId: null);

        Assert.Equal(new VoiceStateUpdateSent(GuildId, null, SelfMute: false, SelfDeaf: true), voice.Gateway.Sent[^1]);
        Assert.Equal([GuildId], voice.Lavalink.Destroyed);
        Assert.Empty(voice.Coordinator.ConnectedGuilds);
        Assert.Empty(voice.Lost);
        Assert.Null(voice.Coordinator.BotChannel(GuildId));
    }

    [Fact]
    public async Task Disconnect_ToleratesAPlayerLavalinkDoesNotHave()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        voice.Lavalink.DestroyFailure = new LavalinkException(404, "Player not found");

        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);

        Assert.Equal(2, voice.Gateway.Sent.Count);
    }

    [Fact]
    public async Task Disconnect_ToleratesLavalinkBeingUnavailable()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        voice.Lavalink.DestroyFailure = new LavalinkUnavailableException("down");

        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);

        Assert.Null(voice.Gateway.Sent[^1].ChannelId);
    }

    [Fact]
    public async Task Disconnect_DuringAJoin_FailsTheJoin()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);

        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);

        await Assert.ThrowsAsync<VoiceConnectException>(() => connect);
        Assert.Empty(voice.Lavalink.Updates);
    }

    [Fact]
    public async Task ConnectAfterDisconnect_JoinsAgain()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);
        await voice.BotStateAsync(channelId: null);

        var connect = voice.Coordinator.ConnectAsync(GuildId, ChannelId, CancellationToken.None);
        await voice.BotStateAsync(ChannelId, "voice-session-2");
        await voice.ServerAsync("token-2", Endpoint);
        await connect;

        Assert.Equal(3, voice.Gateway.Sent.Count);
        Assert.Equal(ExpectedVoice("token-2", Endpoint, "voice-session-2", ChannelId), voice.Lavalink.VoiceUpdates[^1]);
    }

    [Fact]
    public async Task ReforwardAll_SendsEveryJoinedGuildsLastVoiceStateAgain()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync(GuildId, ChannelId);
        await voice.JoinAsync(guildId: 101, channelId: 301);
        var pending = voice.Coordinator.ConnectAsync(102, 401, CancellationToken.None);

        var reforwarded = await voice.Coordinator.ReforwardAllAsync(CancellationToken.None);

        Assert.Equal([GuildId, 101UL], reforwarded.Order());
        var resent = voice.Lavalink.Updates.Skip(2).ToList();
        Assert.Equal(2, resent.Count);
        Assert.Contains(resent, update => update.GuildId == 101 && update.Update.Voice == ExpectedVoice("token-1", Endpoint, "voice-session-1", 301));
        Assert.Contains(resent, update => update.GuildId == GuildId && update.Update.Voice == ExpectedVoice("token-1", Endpoint, "voice-session-1", ChannelId));
        Assert.False(pending.IsCompleted);
    }

    [Fact]
    public async Task ReforwardAll_LeavesOutGuildsLavalinkRefused()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        voice.Lavalink.UpdateFailure = new LavalinkUnavailableException("down again");

        var reforwarded = await voice.Coordinator.ReforwardAllAsync(CancellationToken.None);

        Assert.Empty(reforwarded);
    }

    [Fact]
    public async Task FailedForwardOfALaterUpdate_IsLoggedAndDoesNotThrowIntoTheGatewayLoop()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        voice.Lavalink.UpdateFailure = new LavalinkException(400, "Bad request");

        await voice.ServerAsync("token-2", Endpoint);

        Assert.Contains(voice.Logs.Entries, entry => entry.Id.Id == 7320);
    }

    [Fact]
    public async Task Logs_NeverContainTheVoiceToken()
    {
        using var voice = new VoiceHarness();
        await voice.JoinAsync();
        await voice.ServerAsync("secret-token-2", "c-ams02-5678.discord.media:443");
        await voice.Coordinator.DisconnectAsync(GuildId, CancellationToken.None);

        Assert.Contains(voice.Logs.Lines, line => line.Contains("c-ams02-5678.discord.media", StringComparison.Ordinal));
        Assert.DoesNotContain(voice.Logs.Lines, line => line.Contains("token-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreadableDispatches_AreIgnored()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        await voice.DispatchAsync("VOICE_STATE_UPDATE", VoiceDispatches.Json("""{"channel_id":"1"}"""));
        await voice.DispatchAsync("VOICE_SERVER_UPDATE", VoiceDispatches.Json("[]"));
        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json("""{"id":"not-a-number"}"""));
        await voice.DispatchAsync("MESSAGE_CREATE", VoiceDispatches.Json("""{"id":"1"}"""));

        Assert.Empty(voice.Coordinator.ConnectedGuilds);
    }
}
