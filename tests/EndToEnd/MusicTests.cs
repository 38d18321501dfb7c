using Serverless.Domain.Features.Music;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Interactions;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// <c>/music</c> end to end: the signed command through the DevHost onto the <c>voice</c> queue, the companion on the
/// Sandbox's gateway, and the Lavalink double playing the tracks.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MusicPlaybackTests(MusicEnvironment music) : IClassFixture<MusicEnvironment>
{
    [Fact]
    public async Task Play_JoinsWithOp4_ForwardsTheVoiceStateWithTheChannel_AndATrackEndAdvancesTheQueue()
    {
        await music.MusicAsync("stop");

        var first = await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?length=3000&title=First"));
        var second = await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?length=600000&title=Second"));

        Assert.StartsWith("Now playing **First**", first, StringComparison.Ordinal);
        Assert.Contains("**Second**", second, StringComparison.Ordinal);
        var join = Assert.Single(music.Discord.Gateway.VoiceRequests, request => request.ChannelId == SandboxDefaults.VoiceChannelId);
        Assert.Equal(SandboxDefaults.GuildId, join.GuildId);
        Assert.True(join.SelfDeaf);

        // Lavalink got all four voice values, the channel id included (required since Lavalink 4.2 and DAVE).
        var playing = await music.WaitForTrackAsync("First");
        Assert.Equal(SandboxDefaults.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), playing.Voice!.ChannelId);
        Assert.False(string.IsNullOrEmpty(playing.Voice.Token));
        Assert.False(string.IsNullOrEmpty(playing.Voice.SessionId));
        Assert.Equal(music.Discord.Gateway.VoiceEndpoint, playing.Voice.Endpoint);

        // First ends after three seconds with "finished": the companion starts Second, once.
        await music.WaitForTrackAsync("Second");
        Assert.Single(music.Lavalink.Events, e => e.Type == "TrackEndEvent" && e.TrackTitle == "First" && e.Reason == "finished");
        Assert.Single(music.Lavalink.Events, e => e.Type == "TrackStartEvent" && e.TrackTitle == "Second");
    }

    [Fact]
    public async Task ShuffleThenUndo_RestoresTheOrder()
    {
        await music.MusicAsync("stop");
        await music.MusicAsync("play", CommandOption.String("query", "sandbox:playlist?count=11&length=600000&name=Mix"));
        var before = UpNext(await music.MusicAsync("queue"));

        Assert.Equal(10, before.Count);
        await music.MusicAsync("shuffle");
        var shuffled = UpNext(await music.MusicAsync("queue"));
        Assert.Equal(before.Order(), shuffled.Order());
        Assert.NotEqual(before, shuffled);

        Assert.DoesNotContain("no shuffle", await music.MusicAsync("unshuffle"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, UpNext(await music.MusicAsync("queue")));
    }

    /// <summary>The titles of the "Up next" lines ("3. **Title** by …"), in order.</summary>
    internal static List<string> UpNext(string queuePage) =>
        [.. queuePage.Split('\n')
            .Where(line => line.Length > 0 && char.IsAsciiDigit(line[0]) && line.Contains(". **", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf("**", StringComparison.Ordinal) + 2)..])
            .Select(line => line[..line.IndexOf("**", StringComparison.Ordinal)])];
}

[Collection(EndToEndCollection.Name)]
public sealed class MusicRestartTests(MusicRestartEnvironment music) : IClassFixture<MusicRestartEnvironment>
{
    [Fact]
    public async Task ACompanionRestartedMidQueue_ResumesTheGatewaySessionAndLavalink_AndKeepsTheQueue()
    {
        await music.MusicAsync("play", CommandOption.String("query", "sandbox:playlist?count=4&length=600000&name=Long"));
        await music.MusicAsync("volume", CommandOption.Integer("level", 40));
        var queue = MusicPlaybackTests.UpNext(await music.MusicAsync("queue"));
        var playing = await music.Lavalink.WaitForPlayerAsync(SandboxDefaults.GuildId, player => player.IsPlaying, MusicEnvironment.Patience);
        var identifies = music.Discord.Gateway.IdentifyCount;

        await music.Companion.StopAsync();
        await music.Companion.StartAsync();
        await music.Companion.WaitUntilReadyAsync(MusicEnvironment.Patience);

        // The gateway session and the Lavalink session were both resumed: no new identify, the same player.
        Assert.Equal(identifies, music.Discord.Gateway.IdentifyCount);
        Assert.True(music.Discord.Gateway.ResumeCount >= 1);
        Assert.Contains(music.Lavalink.Sessions, session => session.Id == playing.SessionId && session.Connected);
        var still = await music.Lavalink.WaitForPlayerAsync(SandboxDefaults.GuildId, player => player.IsPlaying, MusicEnvironment.Patience);
        Assert.Equal(playing.Track!.Title, still.Track!.Title);
        Assert.True(still.PositionMs >= playing.PositionMs);

        // What was stored before the restart is what the restarted companion answers from.
        Assert.Equal(queue, MusicPlaybackTests.UpNext(await music.MusicAsync("queue")));
        Assert.Contains("40%", await music.MusicAsync("nowplaying"), StringComparison.Ordinal);

        // A resumed gateway session replays no GUILD_CREATE: the companion asks Discord where the user is.
        Assert.NotEqual(MusicText.JoinVoiceFirst, await music.MusicAsync("skip"));
        await music.WaitForTrackAsync(queue[0]);
        Assert.DoesNotContain(music.Companion.Output, line => line.Contains(music.Discord.BotToken, StringComparison.Ordinal));
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class MusicOutageTests(MusicOutageEnvironment music) : IClassFixture<MusicOutageEnvironment>
{
    [Fact]
    public async Task LavalinkKilled_CommandsSayTheAudioServerIsUnavailable_ThenMusicRecovers()
    {
        await music.Lavalink.StopAsync();

        Assert.Equal(MusicText.LavalinkUnavailable, await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?title=Early")));
        var health = await music.Companion.HealthAsync();
        Assert.Equal("degraded", health!.Value.GetProperty("status").GetString());
        Assert.Equal("unavailable", health.Value.GetProperty("lavalink").GetProperty("status").GetString());

        await music.Lavalink.RestartAsync();
        await music.Companion.WaitUntilReadyAsync(MusicEnvironment.Patience);

        Assert.StartsWith("Now playing **Back**", await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?title=Back")), StringComparison.Ordinal);
        await music.WaitForTrackAsync("Back");
    }
}

[Collection(EndToEndCollection.Name)]
public sealed class MusicKickTests(MusicKickEnvironment music) : IClassFixture<MusicKickEnvironment>
{
    [Fact]
    public async Task AModeratorDisconnectingTheBot_EndsTheSession_AndARestartedCompanionDoesNotRejoin()
    {
        await music.MusicAsync("play", CommandOption.String("query", "sandbox:track?length=600000&title=Kicked"));
        await music.WaitForTrackAsync("Kicked");
        music.Discord.Gateway.ClearRecords();

        // Discord closes the voice connection with 4014 and reports the bot out of voice, in either order.
        Assert.True(music.Lavalink.CloseVoiceConnection(SandboxDefaults.GuildId, 4014));
        Assert.True(music.Discord.Gateway.DisconnectBotFromVoice(SandboxDefaults.GuildId));

        await music.Lavalink.WaitUntilAsync(lavalink => lavalink.GetPlayer(SandboxDefaults.GuildId) is null, MusicEnvironment.Patience);
        Assert.Equal(MusicText.NothingPlaying, await music.MusicAsync("nowplaying"));

        // A restart onto a Lavalink that lost its sessions rebuilds players from what is stored: nothing is.
        await music.Companion.StopAsync();
        music.Lavalink.ForgetSessions();
        await music.Companion.StartAsync();
        await music.Companion.WaitUntilReadyAsync(MusicEnvironment.Patience);
        await music.Lavalink.WaitForSessionAsync(session => session.Connected, MusicEnvironment.Patience);

        Assert.Equal(MusicText.NothingPlaying, await music.MusicAsync("nowplaying"));
        Assert.DoesNotContain(music.Discord.Gateway.VoiceRequests, request => request.ChannelId is not null);
        Assert.Null(music.Lavalink.GetPlayer(SandboxDefaults.GuildId));
    }
}
