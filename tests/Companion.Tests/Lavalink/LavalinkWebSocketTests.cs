using System.Net.WebSockets;
using System.Text.Json;
using Serverless.Companion.Lavalink;
using Serverless.Domain.Features.Status;

namespace Serverless.Companion.Tests.Lavalink;

public sealed class LavalinkWebSocketTests : IAsyncLifetime
{
    private FakeLavalinkServer _server = null!;
    private LavalinkHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeLavalinkServer.StartAsync();
        _harness = LavalinkHarness.For(_server);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Connect_SendsRawPasswordUserIdAndClientName_AndNoSessionIdTheFirstTime()
    {
        _harness.Start();

        var connection = await _server.NextConnectionAsync();

        Assert.Equal("youshallnotpass", connection.Header("Authorization"));
        Assert.Equal("111222333444555666", connection.Header("User-Id"));
        Assert.Equal("harness-bot/1.2", connection.Header("Client-Name"));
        Assert.Null(connection.Header("Session-Id"));
        Assert.Single(_server.RequestsTo("GET", "/v4/info"));
        Assert.False(_harness.Client.IsAvailable);
        Assert.Equal(LavalinkStates.Connecting, _harness.Client.Health.State);
    }

    [Fact]
    public async Task Connect_WithASavedSessionId_SendsItToResume()
    {
        _harness.Start(resumeSessionId: "saved-session");

        var connection = await _server.NextConnectionAsync();

        Assert.Equal("saved-session", connection.Header("Session-Id"));
    }

    [Fact]
    public async Task Connect_WaitsForTheBotUserIdFromTheGateway()
    {
        var botUserId = new TaskCompletionSource<ulong>();
        using var stop = new CancellationTokenSource();
        var run = _harness.Client.RunAsync(botUserId.Task, _harness.Handler, null, stop.Token);

        Assert.Equal(0, _server.HandshakeAttempts);
        botUserId.SetResult(42);
        var connection = await _server.NextConnectionAsync();

        Assert.Equal("42", connection.Header("User-Id"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_Twice_IsRefused()
    {
        _harness.Start();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Client.RunAsync(Task.FromResult(1UL), _harness.Handler));
        await _server.NextConnectionAsync();
    }

    [Fact]
    public async Task Ready_EnablesResumingWithTheTimeout_AndMakesTheClientAvailable()
    {
        await _harness.StartReadyAsync(_server, "xtaug914v9k5032f");

        var patch = Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/"));
        Assert.Equal("/v4/sessions/xtaug914v9k5032f", patch.Path);
        Assert.Equal("""{"resuming":true,"timeout":60}""", patch.Body);
        Assert.Equal("youshallnotpass", patch.Authorization);
        Assert.True(_harness.Client.IsAvailable);
        Assert.Equal("xtaug914v9k5032f", _harness.Client.SessionId);
        var health = _harness.Client.Health;
        Assert.Equal(LavalinkStates.Ok, health.State);
        Assert.Equal("4.2.2", health.Version);
        Assert.Equal("xtaug914v9k5032f", health.SessionId);
        Assert.Null(health.LastError);
    }

    [Fact]
    public async Task Ready_UsesTheConfiguredResumeTimeout()
    {
        await using var harness = LavalinkHarness.For(_server, settings => settings["Lavalink:ResumeTimeout"] = "00:05:00");

        await harness.StartReadyAsync(_server, "s2");

        Assert.Equal("""{"resuming":true,"timeout":300}""", Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/s2")).Body);
    }

    [Fact]
    public async Task Events_AreParsedIntoTheirRecords_WithMayStartNextFromTheReason()
    {
        var connection = await _harness.StartReadyAsync(_server);
        const string track = """{"encoded":"QAAAjQ","info":{"identifier":"dQw4w9WgXcQ","isSeekable":true,"author":"Rick","length":212000,"isStream":false,"position":0,"title":"Never","uri":"https://example.invalid/v","artworkUrl":null,"isrc":null,"sourceName":"youtube","futureField":1},"pluginInfo":{},"userData":{"requester":"77"}}""";

        await connection.SendAsync($$"""{"op":"event","type":"TrackStartEvent","guildId":"900","track":{{track}}}""");
        await connection.SendAsync($$"""{"op":"event","type":"TrackEndEvent","guildId":"900","track":{{track}},"reason":"finished"}""");
        await connection.SendAsync($$"""{"op":"event","type":"TrackEndEvent","guildId":"900","track":{{track}},"reason":"loadFailed"}""");
        await connection.SendAsync($$"""{"op":"event","type":"TrackEndEvent","guildId":"900","track":{{track}},"reason":"replaced"}""");
        await connection.SendAsync($$"""{"op":"event","type":"TrackEndEvent","guildId":"900","track":{{track}},"reason":"stopped"}""");
        await connection.SendAsync($$$"""{"op":"event","type":"TrackExceptionEvent","guildId":"900","track":{{{track}}},"exception":{"message":"This video is unavailable","severity":"common","cause":"x","causeStackTrace":"..."}}""");
        await connection.SendAsync($$"""{"op":"event","type":"TrackStuckEvent","guildId":"900","track":{{track}},"thresholdMs":10000}""");
        await connection.SendAsync("""{"op":"event","type":"FutureEvent","guildId":"900"}""");
        await connection.SendAsync("""{"op":"somethingNew","x":1}""");
        await connection.SendAsync("""{"op":"event","type":"WebSocketClosedEvent","guildId":"900","code":4017,"reason":"E2EE/DAVE protocol required","byRemote":true}""");

        var start = Assert.IsType<TrackStartEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(900UL, start.GuildId);
        Assert.Equal("QAAAjQ", start.Track.Encoded);
        Assert.Equal(new LavalinkTrackInfo("dQw4w9WgXcQ", "Never", "Rick", 212000, true, false, 0, "https://example.invalid/v", null, null, "youtube"), start.Track.Info);
        Assert.Equal("77", start.Track.UserData?.GetProperty("requester").GetString());

        var finished = Assert.IsType<TrackEndEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(("finished", true), (finished.Reason, finished.MayStartNext));
        var loadFailed = Assert.IsType<TrackEndEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(("loadFailed", true), (loadFailed.Reason, loadFailed.MayStartNext));
        var replaced = Assert.IsType<TrackEndEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(("replaced", false), (replaced.Reason, replaced.MayStartNext));
        var stopped = Assert.IsType<TrackEndEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(("stopped", false), (stopped.Reason, stopped.MayStartNext));

        var exception = Assert.IsType<TrackExceptionEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(("This video is unavailable", "common"), (exception.Message, exception.Severity));
        var stuck = Assert.IsType<TrackStuckEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(10000, stuck.ThresholdMs);

        // The unknown event and op are skipped: the next record is the WebSocketClosedEvent.
        var closed = Assert.IsType<WebSocketClosedEvent>(await LavalinkHarness.NextAsync(_harness.Handler.Events));
        Assert.Equal(new WebSocketClosedEvent(900, 4017, "E2EE/DAVE protocol required", true), closed);
        Assert.Contains(_harness.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("FutureEvent", StringComparison.Ordinal));
        Assert.Contains(_harness.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Message.Contains("somethingNew", StringComparison.Ordinal));
        Assert.True(_harness.Client.IsAvailable);
    }

    [Fact]
    public async Task PlayerUpdate_IsParsed_WithGuildIdAsStringOrNumber()
    {
        var connection = await _harness.StartReadyAsync(_server);

        await connection.SendAsync("""{"op":"playerUpdate","guildId":"123456789012345678","state":{"time":1500467109000,"position":60000,"connected":true,"ping":50},"extra":true}""");
        await connection.SendAsync("""{"op":"playerUpdate","guildId":42,"state":{"time":1500467109000,"position":0,"connected":false,"ping":-1}}""");

        var (guildId, state) = await LavalinkHarness.NextAsync(_harness.Handler.PlayerUpdates);
        Assert.Equal(123456789012345678UL, guildId);
        Assert.Equal(new LavalinkPlayerState(DateTimeOffset.FromUnixTimeMilliseconds(1500467109000), 60000, true, 50), state);
        var (second, disconnected) = await LavalinkHarness.NextAsync(_harness.Handler.PlayerUpdates);
        Assert.Equal(42UL, second);
        Assert.Equal((false, -1), (disconnected.Connected, disconnected.PingMs));
    }

    [Fact]
    public async Task Stats_AreKeptForHealth()
    {
        var connection = await _harness.StartReadyAsync(_server);

        await connection.SendAsync("""{"op":"stats","players":4,"playingPlayers":3,"uptime":123456,"memory":{"free":1,"used":2,"allocated":3,"reservable":4},"cpu":{"cores":4,"systemLoad":0.5,"lavalinkLoad":0.25},"frameStats":null}""");
        // Frames are handled in order: once this update is through, the stats are stored.
        await connection.SendAsync("""{"op":"playerUpdate","guildId":"1","state":{"time":0,"position":0,"connected":true,"ping":1}}""");
        await LavalinkHarness.NextAsync(_harness.Handler.PlayerUpdates);

        var stats = _harness.Client.Health.Stats;
        Assert.NotNull(stats);
        Assert.Equal((4, 3, TimeSpan.FromMilliseconds(123456), 4, 0.5, 0.25), (stats.Players, stats.PlayingPlayers, stats.Uptime, stats.CpuCores, stats.SystemLoad, stats.LavalinkLoad));
        Assert.Equal(_harness.Time.GetUtcNow(), stats.ReceivedAt);
    }

    [Fact]
    public async Task MalformedFrame_IsSkipped_AndTheConnectionStays()
    {
        var connection = await _harness.StartReadyAsync(_server);

        await connection.SendAsync("{not json");
        await connection.SendAsync("""{"op":"playerUpdate","guildId":"5","state":{"time":0,"position":0,"connected":true,"ping":1}}""");

        Assert.Equal(5UL, (await LavalinkHarness.NextAsync(_harness.Handler.PlayerUpdates)).GuildId);
        Assert.True(_harness.Client.IsAvailable);
    }

    [Fact]
    public async Task SocketDrop_MarksUnavailable_CallsOnDisconnected_ThenReconnectsAfterBackOffAndResumes()
    {
        var availableDuringCallback = true;
        _harness.Handler.OnDisconnectedProbe = () =>
        {
            availableDuringCallback = _harness.Client.IsAvailable;
            return Task.CompletedTask;
        };
        var first = await _harness.StartReadyAsync(_server, "session-A");

        first.Abort();

        var reason = await LavalinkHarness.NextAsync(_harness.Handler.Disconnects);
        Assert.False(availableDuringCallback);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.Equal(TimeSpan.FromSeconds(1), await _harness.NextReconnectDelayAsync());
        Assert.False(_harness.Client.IsAvailable);
        Assert.Equal(LavalinkStates.Unavailable, _harness.Client.Health.State);
        Assert.Equal("session-A", _harness.Client.Health.SessionId);
        await Assert.ThrowsAsync<LavalinkUnavailableException>(() => _harness.Client.GetPlayerAsync(1, CancellationToken.None));

        _harness.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, _server.HandshakeAttempts);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(1));

        var second = await _server.NextConnectionAsync();
        Assert.Equal("session-A", second.Header("Session-Id"));
        Assert.Equal("youshallnotpass", second.Header("Authorization"));
        await second.SendReadyAsync("session-A", resumed: true);
        Assert.Equal(("session-A", true), await LavalinkHarness.NextAsync(_harness.Handler.Ready));
        Assert.True(_harness.Client.IsAvailable);
        Assert.Equal(2, _server.RequestsTo("PATCH", "/v4/sessions/session-A").Count);
    }

    [Fact]
    public async Task FailedReconnects_BackOffExponentially_ThenResetAfterAReadySession()
    {
        var first = await _harness.StartReadyAsync(_server, "session-A");
        _server.RejectHandshakes(3);

        await first.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away");

        Assert.Contains("1001", await LavalinkHarness.NextAsync(_harness.Handler.Disconnects), StringComparison.Ordinal);
        var delays = new List<TimeSpan>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var delay = await _harness.NextReconnectDelayAsync();
            delays.Add(delay);
            _harness.Time.Advance(delay);
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], delays);
        var fifth = await _server.NextConnectionAsync();
        Assert.Equal("session-A", fifth.Header("Session-Id"));
        Assert.Equal(LavalinkStates.Unavailable, _harness.Client.Health.State);
        Assert.Contains("503", _harness.Client.Health.LastError, StringComparison.Ordinal);

        // Lavalink lost the session (its resume timeout passed): a new one, and the handler must rebuild players.
        await fifth.SendReadyAsync("session-B", resumed: false);
        Assert.Equal(("session-B", false), await LavalinkHarness.NextAsync(_harness.Handler.Ready));
        Assert.Equal("session-B", _harness.Client.SessionId);

        fifth.Abort();
        await LavalinkHarness.NextAsync(_harness.Handler.Disconnects);
        Assert.Equal(TimeSpan.FromSeconds(1), await _harness.NextReconnectDelayAsync());
    }

    [Fact]
    public async Task BackOff_IsCappedAtTheMaximum_AndJitterOnlyShortensIt()
    {
        var min = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(30);

        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 7).Select(attempt => LavalinkClient.ComputeBackoff(attempt, min, max, 1.0).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(15), LavalinkClient.ComputeBackoff(10, min, max, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(30), LavalinkClient.ComputeBackoff(int.MaxValue, min, max, 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(500), LavalinkClient.ComputeBackoff(1, min, max, 0.0));
    }

    [Fact]
    public async Task SilentSocket_IsReplacedAfterTheStaleTimeout()
    {
        await _harness.StartReadyAsync(_server, "session-A");

        _harness.Time.Advance(TimeSpan.FromSeconds(150));

        Assert.Contains("no frame", await LavalinkHarness.NextAsync(_harness.Handler.Disconnects), StringComparison.Ordinal);
        _harness.Time.Advance(await _harness.NextReconnectDelayAsync());
        Assert.Equal("session-A", (await _server.NextConnectionAsync()).Header("Session-Id"));
    }

    [Fact]
    public async Task Stop_EndsRunAsync_AndLeavesTheSessionIdToPersist()
    {
        await _harness.StartReadyAsync(_server, "session-A");

        await _harness.DisposeAsync();

        Assert.True(_harness.RunTask.IsCompletedSuccessfully);
        Assert.Equal("session-A", _harness.Client.SessionId);
        Assert.False(_harness.Client.IsAvailable);
    }

    [Fact]
    public async Task HandlerFailure_IsLogged_AndDoesNotDropTheConnection()
    {
        var throwing = new ThrowingHandler();
        using var stop = new CancellationTokenSource();
        var run = _harness.Client.RunAsync(Task.FromResult(LavalinkHarness.BotUserId), throwing, null, stop.Token);
        var connection = await _server.NextConnectionAsync();
        await connection.SendReadyAsync("s");
        await connection.SendAsync("""{"op":"playerUpdate","guildId":"1","state":{"time":0,"position":0,"connected":true,"ping":1}}""");

        await throwing.SecondCall.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(_harness.Client.IsAvailable);
        Assert.Contains(_harness.Logs.Entries, e => e.Id.Id == 3111);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AHandlerStillBusyWithOneGuild_DoesNotHoldUpTheFramesThatFollow()
    {
        var busy = new BusyGuildHandler(busyGuildId: 1);
        using var stop = new CancellationTokenSource();
        var run = _harness.Client.RunAsync(Task.FromResult(LavalinkHarness.BotUserId), busy, null, stop.Token);
        var connection = await _server.NextConnectionAsync();
        await connection.SendReadyAsync("s");
        await connection.SendAsync("""{"op":"event","type":"WebSocketClosedEvent","guildId":"1","code":4006,"reason":"x","byRemote":true}""");
        await connection.SendAsync("""{"op":"event","type":"WebSocketClosedEvent","guildId":"2","code":4006,"reason":"x","byRemote":true}""");

        Assert.Equal(2UL, (await LavalinkHarness.NextAsync(busy.Received)).GuildId);
        Assert.False(busy.Release.Task.IsCompleted);

        busy.Release.SetResult();
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Work for one guild that does not finish until released; every other guild's event is recorded at once.</summary>
    private sealed class BusyGuildHandler(ulong busyGuildId) : ILavalinkEventHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Threading.Channels.Channel<LavalinkEvent> Received { get; } = System.Threading.Channels.Channel.CreateUnbounded<LavalinkEvent>();

        public Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken) =>
            lavalinkEvent.GuildId == busyGuildId ? Release.Task : Received.Writer.WriteAsync(lavalinkEvent, cancellationToken).AsTask();

        public Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ThrowingHandler : ILavalinkEventHandler
    {
        public TaskCompletionSource SecondCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken) => throw new InvalidOperationException("bug in OnReady");

        public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken)
        {
            SecondCall.TrySetResult();
            throw new InvalidOperationException("bug in OnPlayerUpdate");
        }

        public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    internal static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
