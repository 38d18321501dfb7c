using Serverless.Companion.Hosting;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Tests.Music;

public sealed class MusicPlaybackCoordinatorTests : IDisposable
{
    private readonly MusicHarness _music = new();

    public void Dispose() => _music.Dispose();

    [Fact]
    public async Task TrackEndFinished_PlaysTheNextTrack()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");

        await _music.EndAsync("finished");

        Assert.Equal(["enc-a", "enc-b"], _music.Lavalink.Started);
        Assert.Equal("b", (await _music.SessionAsync())!.Current!.Title);
    }

    [Theory]
    [InlineData("replaced")]
    [InlineData("stopped")]
    [InlineData("cleanup")]
    public async Task TrackEnd_ThatMayNotStartNext_MovesNothing(string reason)
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");

        await _music.EndAsync(reason);

        Assert.Equal(["enc-a"], _music.Lavalink.Started);
        Assert.Equal("a", (await _music.SessionAsync())!.Current!.Title);
    }

    [Fact]
    public async Task TrackException_ThenLoadFailedEnd_TellsTheChannel_AndAdvancesExactlyOnce()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");
        await _music.PlayAsync("c");
        var failing = _music.Lavalink.Playing!;

        await _music.Coordinator.OnEventAsync(new TrackExceptionEvent(MusicHarness.Guild, failing, "This video is unavailable", "common"), CancellationToken.None);
        Assert.Equal(["enc-a"], _music.Lavalink.Started);
        await _music.Coordinator.OnEventAsync(new TrackEndEvent(MusicHarness.Guild, failing, "loadFailed"), CancellationToken.None);

        Assert.Equal(["enc-a", "enc-b"], _music.Lavalink.Started);
        Assert.Contains(_music.Channel.Created, created => created.Message.Content == "Skipped **a**: This video is unavailable");
        Assert.Equal(["c"], (await _music.SessionAsync())!.Upcoming.Select(track => track.Title));
    }

    [Fact]
    public async Task TrackStuck_SkipsOnce_AndTheReplacedEndThatFollowsMovesNothing()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");
        await _music.PlayAsync("c");
        var stuck = _music.Lavalink.Playing!;

        await _music.Coordinator.OnEventAsync(new TrackStuckEvent(MusicHarness.Guild, stuck, 10_000), CancellationToken.None);
        await _music.Coordinator.OnEventAsync(new TrackEndEvent(MusicHarness.Guild, stuck, "replaced"), CancellationToken.None);

        Assert.Equal(["enc-a", "enc-b"], _music.Lavalink.Started);
        Assert.Contains(_music.Channel.Created, created => created.Message.Content.StartsWith("Skipped **a**: no audio for 10 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrackStuck_OnTheLastTrack_StopsItOnce()
    {
        await _music.PlayAsync("a");
        var stuck = _music.Lavalink.Playing!;

        await _music.Coordinator.OnEventAsync(new TrackStuckEvent(MusicHarness.Guild, stuck, 10_000), CancellationToken.None);
        await _music.Coordinator.OnEventAsync(new TrackEndEvent(MusicHarness.Guild, stuck, "stopped"), CancellationToken.None);

        Assert.Single(_music.Lavalink.Updates, update => update.StopTrack);
        Assert.True((await _music.SessionAsync())!.IsIdle);
    }

    [Fact]
    public async Task QueueFinished_LeavesAfterTheIdleTimeout_NotBefore()
    {
        await _music.PlayAsync("a");
        await _music.EndAsync("finished");

        _music.Time.Advance(_music.Options.IdleTimeout - TimeSpan.FromSeconds(1));
        await _music.Playback.IdleChecksCompletedAsync();
        Assert.Empty(_music.Voice.Disconnects);

        _music.Time.Advance(TimeSpan.FromSeconds(1));
        await _music.Playback.IdleChecksCompletedAsync();
        Assert.Equal([MusicHarness.Guild], _music.Voice.Disconnects);
        Assert.Null(await _music.SessionAsync());
    }

    [Fact]
    public async Task EveryoneLeavingTheChannel_LeavesAfterTheIdleTimeout_UnlessSomeoneComesBack()
    {
        await _music.PlayAsync("a");
        _music.Voice.Listeners[MusicHarness.VoiceChannel] = 0;
        _music.Coordinator.OnVoiceStateChanged(MusicHarness.Guild);
        _music.Time.Advance(TimeSpan.FromMinutes(1));
        _music.Voice.Listeners[MusicHarness.VoiceChannel] = 1;
        _music.Coordinator.OnVoiceStateChanged(MusicHarness.Guild);

        _music.Time.Advance(TimeSpan.FromMinutes(5));
        await _music.Playback.IdleChecksCompletedAsync();
        Assert.Empty(_music.Voice.Disconnects);

        _music.Voice.Listeners[MusicHarness.VoiceChannel] = 0;
        _music.Coordinator.OnVoiceStateChanged(MusicHarness.Guild);
        _music.Time.Advance(_music.Options.IdleTimeout);
        await _music.Playback.IdleChecksCompletedAsync();
        Assert.Equal([MusicHarness.Guild], _music.Voice.Disconnects);
    }

    [Fact]
    public async Task ReadyWithoutResume_RebuildsEachStoredPlayer_AtItsSavedPosition()
    {
        var session = new MusicSession(MusicHarness.Guild, MusicHarness.VoiceChannel, MusicHarness.TextChannel);
        session.Enqueue([new MusicTrack { Encoded = "enc-saved", Title = "saved", Author = "x", Length = TimeSpan.FromMinutes(4), RequesterId = 7 }]);
        session.AdvanceToNext(_music.Time.GetUtcNow());
        session.SetVolume(60);
        session.Paused = true;
        session.RecordPosition(93_000, _music.Time.GetUtcNow());
        _music.Store.Put(session);

        await _music.Coordinator.OnReadyAsync("new-session", resumed: false, CancellationToken.None);

        Assert.Equal([(MusicHarness.Guild, MusicHarness.VoiceChannel)], _music.Voice.Connects);
        var update = Assert.Single(_music.Lavalink.Updates);
        Assert.Equal(("enc-saved", 93_000L, 60, true), (update.EncodedTrack, update.PositionMs, update.Volume, update.Paused));
    }

    [Fact]
    public async Task ReadyResumed_RebuildsNothing()
    {
        await _music.PlayAsync("a");
        var updates = _music.Lavalink.Updates.Count;

        await _music.Coordinator.OnReadyAsync("same", resumed: true, CancellationToken.None);

        Assert.Equal(updates, _music.Lavalink.Updates.Count);
        Assert.Single(_music.Voice.Connects);
    }

    [Fact]
    public async Task VoiceClosed4015_RejoinsAtMostOncePerCooldown_ThenGivesUpAndSaysSo()
    {
        await _music.PlayAsync("a");
        var closed = new WebSocketClosedEvent(MusicHarness.Guild, 4015, "Voice server crashed", true);

        await _music.Coordinator.OnEventAsync(closed, CancellationToken.None);
        Assert.Equal(2, _music.Voice.Connects.Count);
        Assert.Equal("enc-a", _music.Lavalink.Updates[^1].EncodedTrack);

        _music.Time.Advance(TimeSpan.FromSeconds(10));
        await _music.Coordinator.OnEventAsync(closed, CancellationToken.None);
        Assert.Equal(2, _music.Voice.Connects.Count);

        _music.Time.Advance(_music.Options.RejoinCooldown);
        await _music.Coordinator.OnEventAsync(closed, CancellationToken.None);
        Assert.Equal(3, _music.Voice.Connects.Count);

        _music.Time.Advance(_music.Options.RejoinCooldown);
        await _music.Coordinator.OnEventAsync(closed, CancellationToken.None);
        _music.Time.Advance(_music.Options.RejoinCooldown);
        await _music.Coordinator.OnEventAsync(closed, CancellationToken.None);

        Assert.Equal(1 + _music.Options.MaxRejoinAttempts, _music.Voice.Connects.Count);
        Assert.Contains(_music.Channel.Created, created => created.Message.Content.StartsWith("I lost the voice connection", StringComparison.Ordinal));
        Assert.Null(await _music.SessionAsync());
    }

    [Fact]
    public async Task VoiceClosed4014_WithTheBotOutOfVoice_EndsTheSession_WithoutRejoining()
    {
        await _music.PlayAsync("a");
        _music.Voice.BotChannels.Remove(MusicHarness.Guild);

        await _music.Coordinator.OnEventAsync(new WebSocketClosedEvent(MusicHarness.Guild, 4014, "Disconnected.", true), CancellationToken.None);

        Assert.Single(_music.Voice.Connects);
        Assert.Null(await _music.SessionAsync());
        Assert.Equal([MusicHarness.Guild], _music.Lavalink.Destroyed);
        Assert.Equal([7001UL], _music.Channel.Deleted);
    }

    [Theory]
    [InlineData(4014)]
    [InlineData(4022)]
    public async Task VoiceClosedForGood_WhileDiscordStillShowsTheBotInItsChannel_KeepsTheSession_WithoutRejoining(int code)
    {
        // A voice server change also closes with 4014: Discord sends the new server, which voice hands to Lavalink.
        await _music.PlayAsync("a");

        await _music.Coordinator.OnEventAsync(new WebSocketClosedEvent(MusicHarness.Guild, code, "Disconnected.", true), CancellationToken.None);

        Assert.Single(_music.Voice.Connects);
        Assert.NotNull(await _music.SessionAsync());
    }

    [Theory]
    [InlineData(4006)]
    [InlineData(4009)]
    [InlineData(4021)]
    public async Task VoiceClosedWithACodeDiscordDoesNotCallResumable_IsNotRejoined(int code)
    {
        await _music.PlayAsync("a");

        await _music.Coordinator.OnEventAsync(new WebSocketClosedEvent(MusicHarness.Guild, code, "closed", true), CancellationToken.None);

        Assert.Single(_music.Voice.Connects);
    }

    [Theory]
    [InlineData(VoiceConnectionLostReason.DisconnectedFromChannel)]
    [InlineData(VoiceConnectionLostReason.RemovedFromGuild)]
    public async Task LosingTheVoiceConnection_EndsTheSession_SoARestartedCompanionDoesNotRejoin(VoiceConnectionLostReason reason)
    {
        var events = new VoiceEventsSource();
        var forwarding = new VoiceEventsToMusic(events, _music.Coordinator);
        await forwarding.StartAsync(CancellationToken.None);
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");

        _music.Voice.BotChannels.Remove(MusicHarness.Guild);
        events.Lose(new VoiceConnectionLost(MusicHarness.Guild, MusicHarness.VoiceChannel, reason));
        // Work of one guild runs in order: this runs after whatever the lost connection started.
        await _music.Playback.Work.RunAsync(MusicHarness.Guild, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Null(await _music.SessionAsync());
        Assert.Equal([MusicHarness.Guild], _music.Lavalink.Destroyed);
        await _music.Coordinator.OnReadyAsync("after-restart", resumed: false, CancellationToken.None);
        Assert.Single(_music.Voice.Connects);
        Assert.Single(_music.Lavalink.Started);
        await forwarding.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReadyWithoutResume_RebuildsEveryGuild_WithoutWaitingForABusyOne()
    {
        const ulong other = MusicHarness.Guild + 1;
        foreach (var guild in new[] { MusicHarness.Guild, other })
        {
            var session = new MusicSession(guild, MusicHarness.VoiceChannel, MusicHarness.TextChannel);
            session.Enqueue([new MusicTrack { Encoded = "enc-" + guild, Title = "t", Author = "x", Length = TimeSpan.FromMinutes(4), RequesterId = 7 }]);
            session.AdvanceToNext(_music.Time.GetUtcNow());
            _music.Store.Put(session);
        }

        var guilds = await _music.Store.ListActiveGuildsAsync(CancellationToken.None);
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _music.Playback.Work.RunAsync(guilds[0], _ => busy.Task, CancellationToken.None);
        var rebuilt = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        _music.Lavalink.Updated += (guild, update) => rebuilt.TrySetResult(guild);

        var ready = _music.Coordinator.OnReadyAsync("new-session", resumed: false, CancellationToken.None);

        Assert.Equal(guilds[1], await rebuilt.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        busy.SetResult();
        await held;
        await ready.WaitAsync(TimeSpan.FromSeconds(10));
        await _music.Playback.Work.RunAsync(guilds[0], _ => Task.CompletedTask, CancellationToken.None);
        Assert.Equal(2, _music.Voice.Connects.Count);
    }

    [Fact]
    public async Task VoiceClosed4017_IsNotRejoined()
    {
        await _music.PlayAsync("a");

        await _music.Coordinator.OnEventAsync(new WebSocketClosedEvent(MusicHarness.Guild, 4017, "E2EE/DAVE protocol required", true), CancellationToken.None);

        Assert.Single(_music.Voice.Connects);
    }

    [Fact]
    public async Task PlayerUpdates_StorePositionAtMostEveryTenSeconds_AndEditNowPlayingAtMostEveryFifteen()
    {
        await _music.PlayAsync("a");
        var saves = _music.Store.Saves;

        for (var second = 5; second <= 30; second += 5)
        {
            _music.Time.Advance(TimeSpan.FromSeconds(5));
            await _music.Coordinator.OnPlayerUpdateAsync(MusicHarness.Guild, new LavalinkPlayerState(_music.Time.GetUtcNow(), second * 1000, true, 20), CancellationToken.None);
        }

        // Saves at 5 s, 15 s, 25 s; edits at 15 s and 30 s (created at 0 s).
        Assert.Equal(3, _music.Store.Saves - saves);
        Assert.Equal(2, _music.Channel.Edited.Count);
        Assert.Equal(25_000, (await _music.SessionAsync())!.PositionMs);
    }

    [Fact]
    public async Task APausedTrack_IsNotEditedAgain_WhileNothingItShowsChanges()
    {
        await _music.PlayAsync("a");
        _music.Time.Advance(TimeSpan.FromSeconds(5));
        await _music.ClickAsync(MusicCommand.Buttons.Pause);
        var edits = _music.Channel.Edited.Count;
        Assert.Equal("Resume", _music.Channel.Edited[^1].Message.Buttons[0].Label);

        for (var second = 10; second <= 70; second += 5)
        {
            _music.Time.Advance(TimeSpan.FromSeconds(5));
            await _music.Coordinator.OnPlayerUpdateAsync(MusicHarness.Guild, new LavalinkPlayerState(_music.Time.GetUtcNow(), 5_000, true, 20), CancellationToken.None);
        }

        Assert.Equal(edits, _music.Channel.Edited.Count);

        await _music.ClickAsync(MusicCommand.Buttons.Resume);
        Assert.Equal("Pause", _music.Channel.Edited[^1].Message.Buttons[0].Label);
    }

    [Fact]
    public async Task ANowPlayingMessageSomeoneDeleted_IsPostedAgain()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");
        _music.Channel.Deleted.Add(7001);

        await _music.EndAsync("finished");

        Assert.Equal(2, _music.Channel.Created.Count);
        Assert.Equal(7002UL, (await _music.SessionAsync())!.NowPlayingMessageId);
    }
}

/// <summary>Raises voice's events as the gateway would.</summary>
internal sealed class VoiceEventsSource : IVoiceConnectionEvents
{
    public event Action<ulong>? BotChannelListenersChanged;

    public event Action<VoiceConnectionLost>? ConnectionLost;

    public void ListenersChanged(ulong guildId) => BotChannelListenersChanged?.Invoke(guildId);

    public void Lose(VoiceConnectionLost lost) => ConnectionLost?.Invoke(lost);
}
