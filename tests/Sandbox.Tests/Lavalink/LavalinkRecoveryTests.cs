using System.Net.Http.Json;
using Serverless.Sandbox.Lavalink;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

/// <summary>Disconnects, resumes, restarts and scripted faults: what a bot must survive.</summary>
public sealed class LavalinkRecoveryTests
{
    [Fact]
    public async Task Resume_AfterADisconnect_ReplaysTheEventsQueuedMeanwhile()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, encoded) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=5000");
        var sessionId = socket.SessionId;
        var echo = await (await rest.PatchAsync($"v4/sessions/{sessionId}", Sandboxes.Json("""{"resuming":true,"timeout":60}"""), TestContext.Token)).ReadJsonAsync();

        socket.Abort();
        await socket.DisposeAsync();
        await lavalink.WaitForSessionAsync(session => session.Id == sessionId && !session.Connected, Sandboxes.WaitTimeout, TestContext.Token);
        clock.Advance(TimeSpan.FromSeconds(10));
        var queued = Assert.Single(lavalink.Sessions).PendingEvents;
        await using var resumed = await LavalinkSocket.ConnectAsync(lavalink, sessionId);
        var replayed = await resumed.NextEventAsync("TrackEndEvent");

        Assert.True(echo.GetProperty("resuming").GetBoolean());
        Assert.Equal(60, echo.GetProperty("timeout").GetInt64());
        Assert.Equal(1, queued);
        Assert.Equal("true", resumed.SessionResumedHeader);
        Assert.True(resumed.Resumed);
        Assert.Equal(sessionId, resumed.SessionId);
        Assert.Equal("finished", replayed.GetProperty("reason").GetString());
        Assert.Equal(encoded, replayed.GetProperty("track").GetProperty("encoded").GetString());
        Assert.Single(lavalink.Players);
    }

    [Fact]
    public async Task Resume_AfterTheTimeout_GivesANewSessionWithoutPlayers()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track");
        var sessionId = socket.SessionId;
        (await rest.PatchAsync($"v4/sessions/{sessionId}", Sandboxes.Json("""{"resuming":true,"timeout":30}"""), TestContext.Token)).Dispose();

        await socket.DisposeAsync();
        await lavalink.WaitForSessionAsync(session => !session.Connected, Sandboxes.WaitTimeout, TestContext.Token);
        clock.Advance(TimeSpan.FromSeconds(31));
        await using var reconnected = await LavalinkSocket.ConnectAsync(lavalink, sessionId);

        Assert.False(reconnected.Resumed);
        Assert.Equal("false", reconnected.SessionResumedHeader);
        Assert.NotEqual(sessionId, reconnected.SessionId);
        Assert.Empty(lavalink.Players);
        using var old = await rest.GetAsync($"v4/sessions/{sessionId}/players", TestContext.Token);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, old.StatusCode);
    }

    [Fact]
    public async Task Disconnect_WithoutResuming_EndsTheSessionAndItsPlayers()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track");

        await socket.DisposeAsync();
        await lavalink.WaitUntilAsync(l => l.Sessions.Count == 0, Sandboxes.WaitTimeout, TestContext.Token);

        Assert.Empty(lavalink.Sessions);
        Assert.Empty(lavalink.Players);
    }

    [Fact]
    public async Task Restart_ComesBackOnTheSamePort_AndAResumableSessionResumes()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        var port = lavalink.Port;
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=600000&title=Long");
        await using var _ = socket;
        (await rest.PatchAsync($"v4/sessions/{socket.SessionId}", Sandboxes.Json("""{"resuming":true}"""), TestContext.Token)).Dispose();

        await lavalink.StopAsync(TestContext.Token);
        var whileDown = await Record.ExceptionAsync(() => rest.GetStringAsync("version", TestContext.Token));
        await lavalink.RestartAsync(TestContext.Token);
        await using var resumed = await LavalinkSocket.ConnectAsync(lavalink, socket.SessionId);

        Assert.IsType<HttpRequestException>(whileDown);
        Assert.Equal(port, lavalink.Port);
        Assert.True(lavalink.IsRunning);
        Assert.Equal("4.2.2", await rest.GetStringAsync("version", TestContext.Token));
        Assert.True(resumed.Resumed);
        Assert.Equal("Long", Assert.Single(lavalink.Players).Track!.Title);
    }

    [Fact]
    public async Task Restart_AfterForgettingSessions_IsLikeARealRestart()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track");
        await using var _ = socket;
        (await rest.PatchAsync($"v4/sessions/{socket.SessionId}", Sandboxes.Json("""{"resuming":true}"""), TestContext.Token)).Dispose();

        await lavalink.StopAsync(TestContext.Token);
        lavalink.ForgetSessions();
        await lavalink.RestartAsync(TestContext.Token);
        await using var reconnected = await LavalinkSocket.ConnectAsync(lavalink, socket.SessionId);

        Assert.False(reconnected.Resumed);
        Assert.Empty(lavalink.Players);
    }

    [Fact]
    public async Task FailNextTrack_SendsExceptionThenEndLoadFailed()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        lavalink.FailNextTrack(Lavalinks.GuildId, "This video is unavailable");

        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=Broken");
        await using var _ = socket;
        var exception = await socket.NextEventAsync("TrackExceptionEvent");
        var end = await socket.NextEventAsync("TrackEndEvent");

        Assert.Equal("This video is unavailable", exception.GetProperty("exception").GetProperty("message").GetString());
        Assert.Equal("common", exception.GetProperty("exception").GetProperty("severity").GetString());
        Assert.Equal("Broken", exception.GetProperty("track").GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("loadFailed", end.GetProperty("reason").GetString());
        Assert.Null(lavalink.GetPlayer(Lavalinks.GuildId)!.Track);
    }

    [Fact]
    public async Task StickNextTrack_SendsStuck_AndKeepsPlaying()
    {
        var clock = Sandboxes.NewClock();
        await using var lavalink = await Lavalinks.StartAsync(clock);
        using var rest = Lavalinks.Rest(lavalink);
        lavalink.StickNextTrack(Lavalinks.GuildId);

        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=Stuck");
        await using var _ = socket;
        var stuck = await socket.NextEventAsync("TrackStuckEvent");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(10_000, stuck.GetProperty("thresholdMs").GetInt64());
        var player = lavalink.GetPlayer(Lavalinks.GuildId)!;
        Assert.Equal("Stuck", player.Track!.Title);
        Assert.Equal(1000, player.PositionMs);
    }

    [Theory]
    [InlineData(4014, true)]
    [InlineData(4006, true)]
    [InlineData(4017, true)]
    [InlineData(4015, false)]
    public async Task CloseVoiceConnection_SendsWebSocketClosedEvent(int code, bool disconnects)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track");
        await using var _ = socket;

        var found = lavalink.CloseVoiceConnection(Lavalinks.GuildId, code);
        var closed = await socket.NextEventAsync("WebSocketClosedEvent");

        Assert.True(found);
        Assert.Equal(code, closed.GetProperty("code").GetInt32());
        Assert.True(closed.GetProperty("byRemote").GetBoolean());
        Assert.False(string.IsNullOrEmpty(closed.GetProperty("reason").GetString()));
        Assert.Equal(!disconnects, lavalink.GetPlayer(Lavalinks.GuildId)!.Connected);
        Assert.False(lavalink.CloseVoiceConnection(Lavalinks.GuildId + 1, code));
    }

    [Fact]
    public async Task WaitForPlayer_CompletesWhenThePredicateHolds()
    {
        await using var lavalink = await LavalinkDouble.StartAsync(new LavalinkDoubleOptions { PlaybackSpeed = 20 }, TestContext.Token);
        using var rest = Lavalinks.Rest(lavalink);
        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?length=100000");
        await using var _ = socket;

        var player = await lavalink.WaitForPlayerAsync(Lavalinks.GuildId, p => p.PositionMs >= 1000, Sandboxes.WaitTimeout, TestContext.Token);
        var call = await lavalink.WaitForCallAsync(c => c.Method == "PATCH", Sandboxes.WaitTimeout, TestContext.Token);

        Assert.True(player.PositionMs >= 1000);
        Assert.Contains("\"voice\"", call.Body, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => lavalink.WaitForPlayerAsync(Lavalinks.GuildId + 1, _ => true, TimeSpan.FromMilliseconds(50), TestContext.Token));
    }
}
