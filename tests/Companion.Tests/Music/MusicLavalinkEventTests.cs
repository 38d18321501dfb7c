using Serverless.Companion.Tests.Lavalink;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Tests.Music;

/// <summary>The Lavalink client's socket feeding the music coordinator, with one guild's work held up by a slow command.</summary>
public sealed class MusicLavalinkEventTests : IAsyncLifetime
{
    private const ulong OtherGuild = MusicHarness.Guild + 1;

    private readonly MusicHarness _music = new();
    private FakeLavalinkServer _server = null!;
    private LavalinkHarness _lavalink = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeLavalinkServer.StartAsync();
        _lavalink = LavalinkHarness.For(_server);
    }

    public async Task DisposeAsync()
    {
        await _lavalink.DisposeAsync();
        await _server.DisposeAsync();
        _music.Dispose();
    }

    [Fact]
    public async Task ASlowCommandInOneGuild_DoesNotDelayAnotherGuildsEvents_AndItsOwnEventsFollowInOrder()
    {
        await _music.PlayAsync("a");
        await _music.PlayAsync("b");
        var other = new MusicSession(OtherGuild, MusicHarness.VoiceChannel + 1, MusicHarness.TextChannel + 1);
        other.Enqueue([Track("x"), Track("y")]);
        other.AdvanceToNext(_music.Time.GetUtcNow());
        _music.Store.Put(other);
        var started = System.Threading.Channels.Channel.CreateUnbounded<(ulong Guild, string? Track)>();
        _music.Lavalink.Updated += (guild, update) => started.Writer.TryWrite((guild, update.EncodedTrack));
        var slowCommand = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _music.Playback.Work.RunAsync(MusicHarness.Guild, _ => slowCommand.Task, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var run = _lavalink.Client.RunAsync(Task.FromResult(LavalinkHarness.BotUserId), _music.Coordinator, null, stop.Token);
        var connection = await _server.NextConnectionAsync();
        await connection.SendReadyAsync("s", resumed: true);
        await connection.SendAsync(TrackEnd(MusicHarness.Guild, "enc-a"));
        await connection.SendAsync(TrackEnd(OtherGuild, "enc-x"));

        Assert.Equal((OtherGuild, "enc-y"), await LavalinkHarness.NextAsync(started));
        slowCommand.SetResult();
        await held;
        Assert.Equal((MusicHarness.Guild, "enc-b"), await LavalinkHarness.NextAsync(started));

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static MusicTrack Track(string name) =>
        new() { Encoded = "enc-" + name, Title = name, Author = "x", Length = TimeSpan.FromMinutes(4), RequesterId = 7 };

    private static string TrackEnd(ulong guildId, string encoded) =>
        "{\"op\":\"event\",\"type\":\"TrackEndEvent\",\"guildId\":\"" + guildId + "\",\"reason\":\"finished\",\"track\":{\"encoded\":\"" + encoded
        + "\",\"info\":{\"identifier\":\"i\",\"isSeekable\":true,\"author\":\"x\",\"length\":240000,\"isStream\":false,\"position\":0,\"title\":\"t\",\"uri\":null,\"artworkUrl\":null,\"isrc\":null,\"sourceName\":\"http\"},\"pluginInfo\":{}}}";
}
