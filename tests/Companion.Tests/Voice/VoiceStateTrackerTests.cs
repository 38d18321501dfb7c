using System.Collections.Concurrent;
using static Serverless.Companion.Tests.Voice.VoiceHarness;

namespace Serverless.Companion.Tests.Voice;

public sealed class VoiceStateTrackerTests
{
    // As Discord sends it: voice states without guild_id or member, the members list beside them, fields we ignore,
    // and (tolerated) one snowflake as a number.
    private static readonly string GuildCreate = $$"""
        {"id":"{{GuildId}}","name":"Guild","unavailable":false,"member_count":5,"large":false,
         "channels":[{"id":"{{ChannelId}}","type":2}],
         "members":[
           {"user":{"id":"{{BotUserId}}","username":"music","bot":true},"roles":[]},
           {"user":{"id":"41","username":"alice"},"roles":[]},
           {"user":{"id":"44","username":"other-bot","bot":true},"roles":[]}],
         "voice_states":[
           {"channel_id":"{{ChannelId}}","user_id":"41","session_id":"s41","deaf":false,"mute":false,"self_video":false,"suppress":false},
           {"channel_id":"{{ChannelId}}","user_id":42,"session_id":"s42"},
           {"channel_id":"{{OtherChannelId}}","user_id":"43","session_id":"s43"},
           {"channel_id":"{{ChannelId}}","user_id":"44","session_id":"s44"},
           {"channel_id":"{{ChannelId}}","user_id":"{{BotUserId}}","session_id":"bot-session"}]}
        """;

    [Fact]
    public async Task GuildCreate_VoiceStates_PopulateChannelsTakingTheGuildIdFromTheGuild()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        Assert.Equal(ChannelId, voice.Coordinator.FindUserChannel(GuildId, 41));
        Assert.Equal(ChannelId, voice.Coordinator.FindUserChannel(GuildId, 42));
        Assert.Equal(OtherChannelId, voice.Coordinator.FindUserChannel(GuildId, 43));
        Assert.Null(voice.Coordinator.FindUserChannel(GuildId, 99));
        Assert.Equal(ChannelId, voice.Coordinator.BotChannel(GuildId));
        Assert.Equal("bot-session", voice.Tracker.BotSessionId(GuildId));
    }

    [Fact]
    public async Task LocateUser_AfterGuildCreate_TrustsTheGatewayAndAsksDiscordNothing()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        voice.DiscordVoiceStates.Channels[(GuildId, 99)] = ChannelId;

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        Assert.Equal(ChannelId, await voice.Coordinator.LocateUserAsync(GuildId, 41, CancellationToken.None));
        Assert.Null(await voice.Coordinator.LocateUserAsync(GuildId, 99, CancellationToken.None));
        Assert.Equal(0, voice.DiscordVoiceStates.Calls);
    }

    [Fact]
    public async Task LocateUser_WithoutGuildCreate_AsResumedAfterARestart_AsksDiscordOnce_ThenCountsTheMember()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        voice.DiscordVoiceStates.Channels[(GuildId, 41)] = ChannelId;

        Assert.Equal(ChannelId, await voice.Coordinator.LocateUserAsync(GuildId, 41, CancellationToken.None));
        Assert.Equal(ChannelId, await voice.Coordinator.LocateUserAsync(GuildId, 41, CancellationToken.None));
        Assert.Null(await voice.Coordinator.LocateUserAsync(GuildId, 42, CancellationToken.None));

        Assert.Equal(2, voice.DiscordVoiceStates.Calls);
        Assert.Equal(1, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }

    [Fact]
    public async Task CountListeners_LeavesOutTheBotAndOtherBots()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        Assert.Equal(2, voice.Coordinator.CountListeners(GuildId, ChannelId));
        Assert.Equal(1, voice.Coordinator.CountListeners(GuildId, OtherChannelId));
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, 999));
        Assert.Equal(0, voice.Coordinator.CountListeners(555, ChannelId));
    }

    [Fact]
    public async Task VoiceStateUpdates_JoinMoveAndLeave_AreFollowed()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();

        await voice.UserStateAsync(userId: 41, ChannelId);
        await voice.UserStateAsync(userId: 42, ChannelId);
        await voice.UserStateAsync(userId: 43, ChannelId, isBot: true);
        Assert.Equal(ChannelId, voice.Coordinator.FindUserChannel(GuildId, 41));
        Assert.Equal(2, voice.Coordinator.CountListeners(GuildId, ChannelId));

        await voice.UserStateAsync(userId: 41, OtherChannelId);
        Assert.Equal(OtherChannelId, voice.Coordinator.FindUserChannel(GuildId, 41));
        Assert.Equal(1, voice.Coordinator.CountListeners(GuildId, ChannelId));
        Assert.Equal(1, voice.Coordinator.CountListeners(GuildId, OtherChannelId));

        await voice.UserStateAsync(userId: 42, channelId: null);
        Assert.Null(voice.Coordinator.FindUserChannel(GuildId, 42));
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }

    [Fact]
    public async Task VoiceStateUpdate_WithoutMember_KeepsWhatWasKnownAboutBeingABot()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        await voice.UserStateAsync(userId: 43, ChannelId, isBot: true);

        await voice.DispatchAsync("VOICE_STATE_UPDATE", VoiceDispatches.Json($$"""
            {"guild_id":"{{GuildId}}","channel_id":"{{OtherChannelId}}","user_id":"43","session_id":"s43","new_field":{"x":1} }
            """));

        Assert.Equal(OtherChannelId, voice.Coordinator.FindUserChannel(GuildId, 43));
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, OtherChannelId));
    }

    [Fact]
    public async Task GuildDelete_DropsTheGuild()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        await voice.DispatchAsync("GUILD_DELETE", VoiceDispatches.GuildDelete(GuildId, unavailable: false));

        Assert.Null(voice.Coordinator.FindUserChannel(GuildId, 41));
        Assert.Null(voice.Coordinator.BotChannel(GuildId));
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }

    [Fact]
    public async Task GuildCreate_Again_ReplacesTheGuildsVoiceStates()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json($$"""
            {"id":"{{GuildId}}","voice_states":[{"channel_id":"{{OtherChannelId}}","user_id":"41","session_id":"s41"}]}
            """));

        Assert.Equal(OtherChannelId, voice.Coordinator.FindUserChannel(GuildId, 41));
        Assert.Null(voice.Coordinator.FindUserChannel(GuildId, 42));
        Assert.Null(voice.Coordinator.BotChannel(GuildId));
    }

    [Fact]
    public async Task UnavailableGuildCreate_KeepsWhatWasKnown()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json($$"""{"id":"{{GuildId}}","unavailable":true}"""));

        Assert.Equal(ChannelId, voice.Coordinator.FindUserChannel(GuildId, 41));
    }

    [Fact]
    public async Task BotChannelListenersChanged_IsRaisedWhenTheBotsAudienceChangesOnly()
    {
        using var voice = new VoiceHarness();
        var raised = new ConcurrentQueue<ulong>();
        voice.Coordinator.BotChannelListenersChanged += raised.Enqueue;
        await voice.JoinAsync();
        Assert.Equal([GuildId], raised);

        await voice.UserStateAsync(userId: 41, ChannelId);
        Assert.Equal(2, raised.Count);
        Assert.Equal(1, voice.Coordinator.CountListeners(GuildId, ChannelId));

        await voice.UserStateAsync(userId: 42, OtherChannelId);
        await voice.UserStateAsync(userId: 43, ChannelId, isBot: true);
        await voice.UserStateAsync(userId: 41, ChannelId);
        Assert.Equal(2, raised.Count);

        await voice.UserStateAsync(userId: 41, OtherChannelId);
        Assert.Equal(3, raised.Count);
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }

    [Fact]
    public async Task BotChannelListenersChanged_AThrowingHandler_DoesNotStopTheOthers()
    {
        using var voice = new VoiceHarness();
        var raised = 0;
        voice.Coordinator.BotChannelListenersChanged += _ => throw new InvalidOperationException("subscriber bug");
        voice.Coordinator.BotChannelListenersChanged += _ => raised++;

        await voice.JoinAsync();

        Assert.Equal(1, raised);
    }

    [Fact]
    public async Task BeforeReady_NoOneIsTheBot()
    {
        using var voice = new VoiceHarness();

        await voice.DispatchAsync("GUILD_CREATE", VoiceDispatches.Json(GuildCreate));

        Assert.Null(voice.Coordinator.BotChannel(GuildId));
        Assert.Null(voice.Tracker.BotUserId);

        // The bot's own state still counts as "a bot" from the members list.
        Assert.Equal(2, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }

    [Fact]
    public async Task ConcurrentReadsDuringUpdates_SeeConsistentCounts()
    {
        using var voice = new VoiceHarness();
        await voice.ReadyAsync();
        using var stop = new CancellationTokenSource();
        var impossibleCounts = 0;

        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var count = voice.Coordinator.CountListeners(GuildId, ChannelId);
                if (count is < 0 or > 50)
                {
                    Interlocked.Increment(ref impossibleCounts);
                }

                _ = voice.Coordinator.FindUserChannel(GuildId, 1);
            }
        });
        for (var round = 0; round < 20; round++)
        {
            for (ulong user = 1; user <= 50; user++)
            {
                await voice.UserStateAsync(user, round % 2 == 0 ? ChannelId : null);
            }
        }

        await stop.CancelAsync();
        await reader;

        Assert.Equal(0, impossibleCounts);
        Assert.Equal(0, voice.Coordinator.CountListeners(GuildId, ChannelId));
    }
}
