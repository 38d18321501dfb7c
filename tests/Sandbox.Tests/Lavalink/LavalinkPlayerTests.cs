using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

public sealed class LavalinkPlayerTests
{
    [Fact]
    public async Task UnknownSession_Is404SessionNotFound()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        using var patch = await rest.PatchPlayerAsync("nosuchsession000", """{"volume":50}""");
        using var get = await rest.GetAsync("v4/sessions/nosuchsession000/players", TestContext.Token);
        var body = await patch.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("Session not found", body.GetProperty("message").GetString());
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", body.GetProperty("error").GetString());
        Assert.Equal($"/v4/sessions/nosuchsession000/players/{Lavalinks.GuildId}", body.GetProperty("path").GetString());
        Assert.True(body.TryGetProperty("timestamp", out _));
    }

    [Theory]
    [InlineData("""{"token":"t","endpoint":"e","sessionId":"s"}""")]
    [InlineData("""{"token":"t","endpoint":"e","sessionId":"s","channelId":" "}""")]
    [InlineData("""{"token":"t","endpoint":"","sessionId":"s","channelId":"1"}""")]
    [InlineData("""{"endpoint":"e","sessionId":"s","channelId":"1"}""")]
    public async Task Voice_WithAMissingPart_Is400AndCreatesNothing(string voice)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        await using var socket = await LavalinkSocket.ConnectAsync(lavalink);

        using var response = await rest.PatchPlayerAsync(socket.SessionId, $$"""{"voice":{{voice}}}""");
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("token, endpoint, sessionId and channelId must be provided in voice state", body.GetProperty("message").GetString());
        Assert.Empty(lavalink.Players);
    }

    [Theory]
    [InlineData("""{"volume":1001}""", "Volume must be between 0 and 1000")]
    [InlineData("""{"volume":-1}""", "Volume must be between 0 and 1000")]
    [InlineData("""{"track":{"encoded":"x","identifier":"ytsearch:a"}}""", "Only one of 'encoded' or 'identifier' can be set for a track")]
    [InlineData("""{"track":{"identifier":"ytsearch:a"}}""", "Cannot play a playlist or search result as a track")]
    [InlineData("""{"track":{"identifier":"sandbox:empty"}}""", "No matches found for identifier")]
    [InlineData("""{"endTime":0}""", "End time must be greater than 0")]
    public async Task InvalidPatch_Is400WithLavalinksMessage(string json, string message)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        await using var socket = await LavalinkSocket.ConnectAsync(lavalink);

        using var response = await rest.PatchPlayerAsync(socket.SessionId, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, (await response.ReadJsonAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Patch_CreatesThePlayer_AndConnectsOnceItHasAFullVoiceState()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        await using var socket = await LavalinkSocket.ConnectAsync(lavalink);

        var created = await (await rest.PatchPlayerAsync(socket.SessionId, """{"volume":80}""")).ReadJsonAsync();
        var connected = await (await rest.PatchPlayerAsync(socket.SessionId, $$"""{"voice":{{Lavalinks.FullVoice}}}""")).ReadJsonAsync();
        var listed = await (await rest.GetAsync($"v4/sessions/{socket.SessionId}/players", TestContext.Token)).ReadJsonAsync();

        Assert.Equal(Lavalinks.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), created.GetProperty("guildId").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("track").ValueKind);
        Assert.Equal(80, created.GetProperty("volume").GetInt32());
        Assert.False(created.GetProperty("state").GetProperty("connected").GetBoolean());
        Assert.Equal(-1, created.GetProperty("state").GetProperty("ping").GetInt32());
        Assert.True(connected.GetProperty("state").GetProperty("connected").GetBoolean());
        Assert.Equal("100000000000000040", connected.GetProperty("voice").GetProperty("channelId").GetString());
        Assert.Equal(1, listed.GetArrayLength());
        var player = Assert.Single(lavalink.Players);
        Assert.Equal(("voice-token", "voice.sandbox.invalid:443", "voice-session", "100000000000000040"), (player.Voice!.Token, player.Voice.Endpoint, player.Voice.SessionId, player.Voice.ChannelId));
        Assert.Equal(80, player.Volume);
    }

    [Fact]
    public async Task Track_PlaysOnTheClock_AndEndsFinished()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, encoded) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=2000&title=Short");
        await using var _ = socket;

        clock.Advance(TimeSpan.FromMilliseconds(1500));
        var halfway = Assert.Single(lavalink.Players);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var end = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal(1500, halfway.PositionMs);
        Assert.True(halfway.IsPlaying);
        Assert.Equal("Short", halfway.Track!.Title);
        Assert.Equal("finished", end.GetProperty("reason").GetString());
        Assert.Equal(encoded, end.GetProperty("track").GetProperty("encoded").GetString());
        var after = Assert.Single(lavalink.Players);
        Assert.Null(after.Track);
    }

    [Fact]
    public async Task Track_WithoutAVoiceConnection_OrPaused_DoesNotAdvance()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        await using var socket = await LavalinkSocket.ConnectAsync(lavalink);
        var encoded = await rest.EncodedAsync("sandbox:track?length=10000");

        (await rest.PatchPlayerAsync(socket.SessionId, $$$"""{"track":{"encoded":"{{{encoded}}}"}}""")).Dispose();
        await socket.NextEventAsync("TrackStartEvent");
        clock.Advance(TimeSpan.FromSeconds(3));
        var unconnected = lavalink.GetPlayer(Lavalinks.GuildId)!;
        (await rest.PatchPlayerAsync(socket.SessionId, $$"""{"voice":{{Lavalinks.FullVoice}}}""")).Dispose();
        clock.Advance(TimeSpan.FromSeconds(2));
        (await rest.PatchPlayerAsync(socket.SessionId, """{"paused":true}""")).Dispose();
        clock.Advance(TimeSpan.FromSeconds(30));
        var paused = lavalink.GetPlayer(Lavalinks.GuildId)!;
        var seeked = await (await rest.PatchPlayerAsync(socket.SessionId, """{"paused":false,"position":9000}""")).ReadJsonAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        var end = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal(0, unconnected.PositionMs);
        Assert.False(unconnected.Connected);
        Assert.Equal(2000, paused.PositionMs);
        Assert.True(paused.Paused);
        Assert.Equal(9000, seeked.GetProperty("state").GetProperty("position").GetInt64());
        Assert.Equal(9000, seeked.GetProperty("track").GetProperty("info").GetProperty("position").GetInt64());
        Assert.Equal("finished", end.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task PlaybackSpeed_EndsALongTrackSooner()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Serverless.Sandbox.Lavalink.LavalinkDouble.StartAsync(new() { TimeProvider = clock, PlaybackSpeed = 50 }, TestContext.Token);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "https://example.com/long.mp3");
        await using var _ = socket;

        clock.Advance(TimeSpan.FromSeconds(3.5));
        var before = lavalink.GetPlayer(Lavalinks.GuildId)!;
        clock.Advance(TimeSpan.FromSeconds(0.1));
        var end = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal(175_000, before.PositionMs);
        Assert.Equal("finished", end.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task NewTrack_WhilePlaying_EndsTheOldOneReplaced_ThenStartsTheNew()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, first) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=First");
        await using var _ = socket;
        var second = await rest.EncodedAsync("sandbox:track?title=Second");

        var player = await (await rest.PatchPlayerAsync(socket.SessionId, $$$$"""{"track":{"encoded":"{{{{second}}}}","userData":{"requester":"42"}}}""")).ReadJsonAsync();
        var ended = await socket.NextEventAsync("TrackEndEvent");
        var started = await socket.NextEventAsync("TrackStartEvent");

        Assert.Equal("replaced", ended.GetProperty("reason").GetString());
        Assert.Equal(first, ended.GetProperty("track").GetProperty("encoded").GetString());
        Assert.Equal("Second", started.GetProperty("track").GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("42", started.GetProperty("track").GetProperty("userData").GetProperty("requester").GetString());
        Assert.Equal("Second", player.GetProperty("track").GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task NoReplace_WhilePlaying_KeepsTheTrack()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=First");
        await using var __ = socket;

        var player = await (await rest.PatchPlayerAsync(socket.SessionId, """{"track":{"identifier":"sandbox:track?title=Second"},"volume":30}""", noReplace: true)).ReadJsonAsync();

        Assert.Equal("First", player.GetProperty("track").GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(30, player.GetProperty("volume").GetInt32());
        Assert.DoesNotContain(lavalink.Events, e => e.Type == "TrackEndEvent");
    }

    [Fact]
    public async Task EncodedNull_StopsWithReasonStopped()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=First");
        await using var __ = socket;

        var player = await (await rest.PatchPlayerAsync(socket.SessionId, """{"track":{"encoded":null}}""")).ReadJsonAsync();
        var ended = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal("stopped", ended.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, player.GetProperty("track").ValueKind);
    }

    [Fact]
    public async Task Delete_RemovesThePlayer_EndingItsTrackWithCleanup()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track");
        await using var __ = socket;

        using var deleted = await rest.DeleteAsync($"v4/sessions/{socket.SessionId}/players/{Lavalinks.GuildId}", TestContext.Token);
        using var get = await rest.GetAsync($"v4/sessions/{socket.SessionId}/players/{Lavalinks.GuildId}", TestContext.Token);
        var ended = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("Player not found", (await get.ReadJsonAsync()).GetProperty("message").GetString());
        Assert.Equal("cleanup", ended.GetProperty("reason").GetString());
        Assert.Empty(lavalink.Players);
    }

    [Fact]
    public async Task PlayerUpdates_ComeEveryIntervalForConnectedPlayers()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock, playerUpdateInterval: TimeSpan.FromSeconds(1));
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=60000");
        await using var __ = socket;

        clock.Advance(TimeSpan.FromSeconds(1));
        var first = await socket.NextAsync("playerUpdate");
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = await socket.NextAsync("playerUpdate");

        Assert.Equal(Lavalinks.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), first.GetProperty("guildId").GetString());
        Assert.Equal(1000, first.GetProperty("state").GetProperty("position").GetInt64());
        Assert.Equal(2000, second.GetProperty("state").GetProperty("position").GetInt64());
        Assert.True(second.GetProperty("state").GetProperty("connected").GetBoolean());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), second.GetProperty("state").GetProperty("time").GetInt64());
    }

    [Fact]
    public async Task Stats_ComeEveryMinute()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=600000");
        await using var __ = socket;

        clock.Advance(TimeSpan.FromMinutes(1));
        var stats = await socket.NextAsync("stats");
        var restStats = await (await rest.GetAsync("v4/stats", TestContext.Token)).ReadJsonAsync();

        Assert.Equal(1, stats.GetProperty("players").GetInt32());
        Assert.Equal(1, stats.GetProperty("playingPlayers").GetInt32());
        Assert.Equal(60_000, stats.GetProperty("uptime").GetInt64());
        Assert.True(stats.GetProperty("frameStats").GetProperty("sent").GetInt32() > 0);
        Assert.False(restStats.TryGetProperty("frameStats", out _));
        Assert.False(restStats.TryGetProperty("op", out _));
    }
}
