using Serverless.Companion.Lavalink;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Permissions;

namespace Serverless.Companion.Tests.Music;

public sealed class MusicCommandHandlerTests : IDisposable
{
    private readonly MusicHarness _music = new();

    public void Dispose() => _music.Dispose();

    [Fact]
    public async Task Play_WhenUserNotInVoice_RepliesJoinAVoiceChannelFirst()
    {
        _music.Voice.UserChannels.Clear();

        var reply = await _music.PlayAsync("never gonna");

        Assert.Equal(MusicText.JoinVoiceFirst, reply);
        Assert.Empty(_music.Voice.Connects);
        Assert.Empty(_music.Lavalink.Loaded);
    }

    [Fact]
    public async Task Play_ConnectsSearchesWithThePrefix_AndStartsTheFirstHit()
    {
        var reply = await _music.PlayAsync("never gonna");

        Assert.Equal([(MusicHarness.Guild, MusicHarness.VoiceChannel)], _music.Voice.Connects);
        Assert.Equal(["ytsearch:never gonna"], _music.Lavalink.Loaded);
        var update = Assert.Single(_music.Lavalink.Updates);
        Assert.Equal("enc-never gonna", update.EncodedTrack);
        Assert.Equal("42", update.TrackUserData!.Value.GetProperty("requester").GetString());
        Assert.Equal(100, update.Volume);
        Assert.Equal("Now playing **never gonna** by Author never gonna (3:25)", reply);
        var session = (await _music.SessionAsync())!;
        Assert.Equal("never gonna", session.Current!.Title);
        Assert.Empty(session.Upcoming);
        var (channel, message) = Assert.Single(_music.Channel.Created);
        Assert.Equal(MusicHarness.TextChannel, channel);
        Assert.Equal([MusicCommand.Buttons.Pause, MusicCommand.Buttons.Skip, MusicCommand.Buttons.Stop], message.Buttons.Select(button => button.CustomId));
        Assert.Contains("<@42>", message.Content, StringComparison.Ordinal);
        Assert.Equal(7001UL, session.NowPlayingMessageId);
    }

    [Fact]
    public async Task Play_ALink_IsLoadedAsIs_AndAPlaylistQueuesEveryTrack()
    {
        const string link = "https://example.test/playlist?list=1";
        _music.Lavalink.Results[link] = new LoadResult(LoadResultType.Playlist, [FakeLavalinkPlayers.Track("a"), FakeLavalinkPlayers.Track("b"), FakeLavalinkPlayers.Track("c")]) { PlaylistName = "Mix" };

        var reply = await _music.PlayAsync(link);

        Assert.Equal([link], _music.Lavalink.Loaded);
        Assert.StartsWith("Queued 3 tracks from **Mix** — now playing **a**", reply, StringComparison.Ordinal);
        Assert.Equal(["b", "c"], (await _music.SessionAsync())!.Upcoming.Select(track => track.Title));
    }

    [Fact]
    public async Task Play_WhilePlaying_QueuesWithoutReplacing()
    {
        await _music.PlayAsync("first");

        var reply = await _music.PlayAsync("second");

        Assert.Equal("Queued **second** by Author second (3:25) — position 1", reply);
        Assert.Equal(["enc-first"], _music.Lavalink.Started);
        Assert.Single(_music.Voice.Connects);
    }

    [Fact]
    public async Task Play_NothingFound_OrAnError_SaysSo()
    {
        _music.Lavalink.Results["ytsearch:zzz"] = new LoadResult(LoadResultType.Empty, []);
        _music.Lavalink.Results["https://example.test/private"] = new LoadResult(LoadResultType.Error, []) { ErrorMessage = "This video is private" };

        Assert.Equal("Nothing found for “zzz”.", await _music.PlayAsync("zzz"));
        Assert.Equal(MusicText.CouldNotLoad, await _music.PlayAsync("https://example.test/private"));
        Assert.Empty(_music.Lavalink.Updates);
    }

    [Fact]
    public async Task Play_ALoadError_DoesNotRepeatLavalinksErrorText()
    {
        const string link = "https://example.test/probe";
        _music.Lavalink.Results[link] = new LoadResult(LoadResultType.Error, []) { ErrorMessage = "Connection refused: 10.0.0.5:6379" };

        var reply = await _music.PlayAsync(link);

        Assert.DoesNotContain("Connection refused", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.5", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://127.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0.0.0.0:2333/v4/info")]
    [InlineData("http://10.1.2.3/a.mp3")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://168.63.129.16/machine")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("https://[::1]/")]
    [InlineData("http://[::]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[64:ff9b::a00:1]/")]
    [InlineData("http://[2002:7f00:1::]/")]
    public async Task Play_ALinkToANonPublicAddress_IsRefused_WithoutAskingLavalink(string link)
    {
        var reply = await _music.PlayAsync(link);

        Assert.Equal(MusicText.LinkNotAllowed, reply);
        Assert.Empty(_music.Lavalink.Loaded);
        Assert.Empty(_music.Voice.Connects);
    }

    [Theory]
    [InlineData("10.20.30.40")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:192.168.0.10")]
    public async Task Play_ALinkWhoseHostResolvesToANonPublicAddress_IsRefused(string address)
    {
        _music.Hosts["music.example.test"] = [System.Net.IPAddress.Parse("203.0.113.8"), System.Net.IPAddress.Parse(address)];

        var reply = await _music.PlayAsync("https://music.example.test/stream.mp3");

        Assert.Equal(MusicText.LinkNotAllowed, reply);
        Assert.Equal(["music.example.test"], _music.Hosts.Asked);
        Assert.Empty(_music.Lavalink.Loaded);
    }

    [Fact]
    public async Task Play_ALinkWhoseHostDoesNotResolve_SaysSo_WithoutAskingLavalink()
    {
        Assert.Equal(MusicText.LinkHostUnknown, await _music.PlayAsync("https://nowhere.example.test/a.mp3"));
        Assert.Empty(_music.Lavalink.Loaded);
    }

    [Fact]
    public async Task Play_ALinkWithAUserName_IsRefused()
    {
        Assert.Equal(MusicText.LinkNotAllowed, await _music.PlayAsync("http://example.test@127.0.0.1/"));
        Assert.Empty(_music.Lavalink.Loaded);
    }

    [Fact]
    public async Task Play_WithAllowedHosts_TakesThoseHostsAndTheirSubdomainsOnly()
    {
        using var music = new MusicHarness(options => options.AllowedUrlHosts = "example.test, tube.test");
        music.Hosts["www.tube.test"] = [System.Net.IPAddress.Parse("198.51.100.4")];
        music.Hosts["elsewhere.test"] = [System.Net.IPAddress.Parse("198.51.100.5")];

        Assert.Equal(MusicText.LinkNotAllowed, await music.PlayAsync("https://elsewhere.test/a.mp3"));
        Assert.Equal(MusicText.LinkNotAllowed, await music.PlayAsync("https://notexample.test/a.mp3"));
        await music.PlayAsync("https://www.tube.test/watch?v=1");

        Assert.Equal(["https://www.tube.test/watch?v=1"], music.Lavalink.Loaded);
    }

    [Fact]
    public async Task Play_WhenLavalinkIsUnavailable_RepliesClearly()
    {
        _music.Lavalink.IsAvailable = false;

        Assert.Equal(MusicText.LavalinkUnavailable, await _music.PlayAsync("x"));
        Assert.Empty(_music.Voice.Connects);
    }

    [Fact]
    public async Task Play_WhenLavalinkGoesAwayMidway_RepliesClearly()
    {
        _music.Lavalink.FailUpdatesWith = new LavalinkUnavailableException("socket closed");

        Assert.Equal(MusicText.LavalinkUnavailable, await _music.PlayAsync("x"));
    }

    [Fact]
    public async Task Play_WithoutConnectOrSpeak_RepliesWhatIsMissing()
    {
        _music.Permissions.Answer = VoiceJoinCheck.For(MusicHarness.VoiceChannel, DiscordPermissions.ViewChannel | DiscordPermissions.Connect);

        var reply = await _music.PlayAsync("x");

        Assert.Equal("I can't play in <#500>: I'm missing Speak there.", reply);
        Assert.Empty(_music.Voice.Connects);
    }

    [Fact]
    public async Task AnUnexpectedFailure_RepliesWithTheCorrelationId()
    {
        _music.Lavalink.FailUpdatesWith = new InvalidOperationException("boom");

        var reply = await _music.PlayAsync("x");

        Assert.Equal("Something went wrong (reference `corr-1`).", reply);
    }

    [Fact]
    public async Task Skip_PlaysTheNextTrackOnce_AndItsReplacedEndMovesNothing()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");
        var first = _music.Lavalink.Playing!;

        var reply = await _music.RunAsync("skip");
        await _music.Coordinator.OnEventAsync(new TrackEndEvent(MusicHarness.Guild, first, "replaced"), CancellationToken.None);

        Assert.StartsWith("Skipped **a**", reply, StringComparison.Ordinal);
        Assert.Equal(["enc-a", "enc-b"], _music.Lavalink.Started);
        Assert.Equal("b", (await _music.SessionAsync())!.Current!.Title);
    }

    [Fact]
    public async Task ShuffleThenUnshuffle_RestoresTheOrder_WithTracksAddedSinceAtTheEnd()
    {
        foreach (var name in new[] { "now", "a", "b", "c", "d", "e" })
        {
            await _music.PlayAsync(name);
        }

        Assert.StartsWith("Shuffled 5 tracks", await _music.RunAsync("shuffle"), StringComparison.Ordinal);
        Assert.NotEqual(["a", "b", "c", "d", "e"], (await _music.SessionAsync())!.Upcoming.Select(track => track.Title));
        await _music.PlayAsync("f");

        Assert.Equal("Put the tracks up next back in their order before the shuffle.", await _music.RunAsync("unshuffle"));
        Assert.Equal(["a", "b", "c", "d", "e", "f"], (await _music.SessionAsync())!.Upcoming.Select(track => track.Title));
        Assert.Equal(MusicText.NothingToUnshuffle, await _music.RunAsync("unshuffle"));
    }

    [Fact]
    public async Task Queue_ShowsTheAskedPage()
    {
        for (var i = 0; i < 25; i++)
        {
            await _music.PlayAsync("t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var reply = await _music.RunAsync("queue", ("page", "2"));

        Assert.Contains("11. **t11**", reply, StringComparison.Ordinal);
        Assert.Contains("Page 2 of 3", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("150", 150)]
    [InlineData("200", 200)]
    public async Task Volume_InRange_GoesToLavalinkUnchanged(string level, int expected)
    {
        await _music.PlayAsync("a");

        Assert.Equal($"Volume set to {expected}%.", await _music.RunAsync("volume", ("level", level)));
        Assert.Equal(expected, _music.Lavalink.Updates[^1].Volume);
        Assert.Equal(expected, (await _music.SessionAsync())!.Volume);
    }

    [Theory]
    [InlineData("201")]
    [InlineData("-5")]
    [InlineData("loud")]
    public async Task Volume_OutOfRange_IsRefused(string level)
    {
        await _music.PlayAsync("a");

        Assert.StartsWith("Volume goes from 0 to 200", await _music.RunAsync("volume", ("level", level)), StringComparison.Ordinal);
        Assert.Single(_music.Lavalink.Updates);
    }

    [Fact]
    public async Task Controls_FromOutsideTheBotsChannel_AreRefused()
    {
        await _music.PlayAsync("a");
        _music.Voice.UserChannels[MusicHarness.User] = 501;

        Assert.Equal("Join <#500> to control the music.", await _music.RunAsync("pause"));
    }

    [Fact]
    public async Task PauseButton_PausesAndRefreshesTheNowPlayingMessage_WithoutEditingOriginal()
    {
        await _music.PlayAsync("a");
        var edits = _music.Responder.Edits.Count;

        await _music.ClickAsync(MusicCommand.Buttons.Pause);

        Assert.Equal(edits, _music.Responder.Edits.Count);
        Assert.Empty(_music.Responder.Followups);
        Assert.True(_music.Lavalink.Updates[^1].Paused);
        Assert.Equal(MusicCommand.Buttons.Resume, _music.Channel.Edited[^1].Message.Buttons[0].CustomId);
        await _music.ClickAsync(MusicCommand.Buttons.Pause);
        Assert.Equal("The music is already paused.", Assert.Single(_music.Responder.Followups));
    }

    [Fact]
    public async Task Stop_ClearsTheQueue_DeletesTheNowPlayingMessage_AndLeavesWhenIdleTimesOut()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");

        Assert.Equal("Stopped and cleared the queue.", await _music.RunAsync("stop"));

        Assert.True(_music.Lavalink.Updates[^1].StopTrack);
        Assert.Equal([7001UL], _music.Channel.Deleted);
        var session = (await _music.SessionAsync())!;
        Assert.True(session.IsIdle);
        Assert.Null(session.NowPlayingMessageId);
        _music.Time.Advance(_music.Options.IdleTimeout);
        await _music.Playback.IdleChecksCompletedAsync();
        Assert.Equal([MusicHarness.Guild], _music.Voice.Disconnects);
    }

    [Fact]
    public async Task Leave_DisconnectsAndForgetsTheSession()
    {
        await _music.PlayAsync("a");

        Assert.Equal("Left <#500>.", await _music.RunAsync("leave"));
        Assert.Equal([MusicHarness.Guild], _music.Voice.Disconnects);
        Assert.Null(await _music.SessionAsync());
    }
}
