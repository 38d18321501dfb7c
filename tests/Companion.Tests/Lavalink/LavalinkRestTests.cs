using System.Net;
using System.Net.Sockets;
using Serverless.Companion.Lavalink;

namespace Serverless.Companion.Tests.Lavalink;

public sealed class LavalinkRestTests : IAsyncLifetime
{
    private const string Track = """{"encoded":"QAAA1","info":{"identifier":"id1","isSeekable":true,"author":"A","length":1000,"isStream":false,"position":0,"title":"T1","uri":null,"artworkUrl":null,"isrc":null,"sourceName":"soundcloud"},"pluginInfo":{},"userData":{}}""";
    private const string Track2 = """{"encoded":"QAAA2","info":{"identifier":"id2","isSeekable":false,"author":"B","length":0,"isStream":true,"position":0,"title":"T2","uri":"https://example.invalid/2","artworkUrl":"https://example.invalid/2.jpg","isrc":"GB123","sourceName":"http"},"pluginInfo":{"x":1}}""";

    private FakeLavalinkServer _server = null!;
    private LavalinkHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeLavalinkServer.StartAsync();
        _harness = LavalinkHarness.For(_server);
        await _harness.StartReadyAsync(_server, "sess1");
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task UpdatePlayer_WithVoice_SendsAllFourValuesIncludingChannelId_AndNothingElse()
    {
        var player = await _harness.Client.UpdatePlayerAsync(
            987654321098765432,
            new LavalinkPlayerUpdate { Voice = new LavalinkVoiceState("tok", "us-east1.discord.media:443", "voice-session", "555") },
            noReplace: false,
            CancellationToken.None);

        var request = Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/"));
        Assert.Equal("/v4/sessions/sess1/players/987654321098765432", request.Path);
        Assert.Equal("?noReplace=false", request.Query);
        Assert.Equal("""{"voice":{"token":"tok","endpoint":"us-east1.discord.media:443","sessionId":"voice-session","channelId":"555"}}""", request.Body);
        Assert.Equal(987654321098765432UL, player.GuildId);
        Assert.Equal(new LavalinkPlayerState(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), 0, true, 12), player.State);
        Assert.Null(player.Track);
    }

    [Fact]
    public async Task UpdatePlayer_StopTrack_SendsEncodedNull()
    {
        await _harness.Client.UpdatePlayerAsync(1, new LavalinkPlayerUpdate { StopTrack = true }, noReplace: false, CancellationToken.None);

        Assert.Equal("""{"track":{"encoded":null}}""", Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/1")).Body);
    }

    [Fact]
    public async Task UpdatePlayer_PlayWithUserData_NoReplace_SendsTheTrackObjectAndOnlySetFields()
    {
        var update = new LavalinkPlayerUpdate
        {
            EncodedTrack = "QAAAjQ==",
            TrackUserData = LavalinkWebSocketTests.Json("""{"requester":"123"}"""),
            PositionMs = 0,
            Volume = 80,
        };

        await _harness.Client.UpdatePlayerAsync(2, update, noReplace: true, CancellationToken.None);

        var request = Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/2"));
        Assert.Equal("?noReplace=true", request.Query);
        Assert.Equal("""{"track":{"encoded":"QAAAjQ==","userData":{"requester":"123"}},"position":0,"volume":80}""", request.Body);
    }

    [Theory]
    [InlineData(true, null, null, """{"paused":true}""")]
    [InlineData(null, 42000L, null, """{"position":42000}""")]
    [InlineData(null, null, 0, """{"volume":0}""")]
    [InlineData(null, null, null, "{}")]
    public async Task UpdatePlayer_SendsOnlyTheFieldsThatAreSet(bool? paused, long? position, int? volume, string expected)
    {
        await _harness.Client.UpdatePlayerAsync(3, new LavalinkPlayerUpdate { Paused = paused, PositionMs = position, Volume = volume }, false, CancellationToken.None);

        Assert.Equal(expected, Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/3")).Body);
    }

    [Fact]
    public async Task UpdatePlayer_OnlyUserData_LeavesEncodedOut_SoTheTrackKeepsPlaying()
    {
        await _harness.Client.UpdatePlayerAsync(4, new LavalinkPlayerUpdate { TrackUserData = LavalinkWebSocketTests.Json("""{"requester":"9"}""") }, false, CancellationToken.None);

        Assert.Equal("""{"track":{"userData":{"requester":"9"}}}""", Assert.Single(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/4")).Body);
    }

    [Fact]
    public async Task UpdatePlayer_StopAndPlayTogether_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _harness.Client.UpdatePlayerAsync(5, new LavalinkPlayerUpdate { StopTrack = true, EncodedTrack = "Q" }, false, CancellationToken.None));

        Assert.Empty(_server.RequestsTo("PATCH", "/v4/sessions/sess1/players/5"));
    }

    [Fact]
    public async Task LoadTracks_Track_MapsTheOneTrack_AndUrlEncodesTheIdentifier()
    {
        _server.Script("GET", "/v4/loadtracks", 200, $$"""{"loadType":"track","data":{{Track}}}""");

        var result = await _harness.Client.LoadTracksAsync("ytsearch:never gonna & give/you?up=1", CancellationToken.None);

        Assert.Equal("?identifier=ytsearch%3Anever%20gonna%20%26%20give%2Fyou%3Fup%3D1", Assert.Single(_server.RequestsTo("GET", "/v4/loadtracks")).Query);
        Assert.Equal(LoadResultType.Track, result.Type);
        var track = Assert.Single(result.Tracks);
        Assert.Equal("QAAA1", track.Encoded);
        Assert.Equal(new LavalinkTrackInfo("id1", "T1", "A", 1000, true, false, 0, null, null, null, "soundcloud"), track.Info);
    }

    [Fact]
    public async Task LoadTracks_Playlist_MapsNameSelectedTrackAndTracks()
    {
        _server.Script("GET", "/v4/loadtracks", 200, $$$"""{"loadType":"playlist","data":{"info":{"name":"Mix","selectedTrack":1},"pluginInfo":{},"tracks":[{{{Track}}},{{{Track2}}}]}}""");

        var result = await _harness.Client.LoadTracksAsync("https://example.invalid/list", CancellationToken.None);

        Assert.Equal((LoadResultType.Playlist, "Mix", (int?)1), (result.Type, result.PlaylistName, result.SelectedTrack));
        Assert.Equal(["QAAA1", "QAAA2"], result.Tracks.Select(t => t.Encoded));
        Assert.Equal(new LavalinkTrackInfo("id2", "T2", "B", 0, false, true, 0, "https://example.invalid/2", "https://example.invalid/2.jpg", "GB123", "http"), result.Tracks[1].Info);
    }

    [Fact]
    public async Task LoadTracks_PlaylistWithoutSelection_HasNullSelectedTrack()
    {
        _server.Script("GET", "/v4/loadtracks", 200, $$$"""{"loadType":"playlist","data":{"info":{"name":"Mix","selectedTrack":-1},"pluginInfo":{},"tracks":[{{{Track}}}]}}""");

        var result = await _harness.Client.LoadTracksAsync("list", CancellationToken.None);

        Assert.Null(result.SelectedTrack);
    }

    [Fact]
    public async Task LoadTracks_Search_MapsEveryHit()
    {
        _server.Script("GET", "/v4/loadtracks", 200, $$"""{"loadType":"search","data":[{{Track}},{{Track2}}]}""");

        var result = await _harness.Client.LoadTracksAsync("scsearch:x", CancellationToken.None);

        Assert.Equal(LoadResultType.Search, result.Type);
        Assert.Equal(2, result.Tracks.Count);
    }

    [Fact]
    public async Task LoadTracks_Empty_HasNoTracks()
    {
        _server.Script("GET", "/v4/loadtracks", 200, """{"loadType":"empty","data":{}}""");

        var result = await _harness.Client.LoadTracksAsync("scsearch:nothing", CancellationToken.None);

        Assert.Equal(LoadResultType.Empty, result.Type);
        Assert.Empty(result.Tracks);
        Assert.Null(result.ErrorMessage);
    }

    [Fact]
    public async Task LoadTracks_Error_CarriesLavalinksMessage()
    {
        _server.Script("GET", "/v4/loadtracks", 200, """{"loadType":"error","data":{"message":"This video is unavailable","severity":"common","cause":"x","causeStackTrace":"y"}}""");

        var result = await _harness.Client.LoadTracksAsync("https://example.invalid/gone", CancellationToken.None);

        Assert.Equal(LoadResultType.Error, result.Type);
        Assert.Empty(result.Tracks);
        Assert.Equal("This video is unavailable", result.ErrorMessage);
    }

    [Fact]
    public async Task ErrorBody_BecomesLavalinkException_WithStatusAndMessage()
    {
        _server.Script("PATCH", "/v4/sessions/sess1/players/6", 400, """{"timestamp":1667857581613,"status":400,"error":"Bad Request","message":"Token, endpoint, sessionId and channelId must be provided","path":"/v4/sessions/sess1/players/6"}""");

        var exception = await Assert.ThrowsAsync<LavalinkException>(() =>
            _harness.Client.UpdatePlayerAsync(6, new LavalinkPlayerUpdate { Paused = true }, false, CancellationToken.None));

        Assert.Equal(400, exception.Status);
        Assert.Equal("Token, endpoint, sessionId and channelId must be provided", exception.Message);
        Assert.Equal("Bad Request", exception.Error);
        Assert.Equal("/v4/sessions/sess1/players/6", exception.Path);
    }

    [Fact]
    public async Task ErrorWithoutBody_StillBecomesLavalinkException()
    {
        _server.Script("GET", "/v4/loadtracks", 500);

        var exception = await Assert.ThrowsAsync<LavalinkException>(() => _harness.Client.LoadTracksAsync("x", CancellationToken.None));

        Assert.Equal(500, exception.Status);
        Assert.Contains("500", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPlayer_ReturnsThePlayer_OrNullOn404()
    {
        var player = await _harness.Client.GetPlayerAsync(10, CancellationToken.None);
        Assert.Equal(10UL, player?.GuildId);
        Assert.Equal((100, false), (player!.Volume, player.Paused));

        _server.Script("GET", "/v4/sessions/sess1/players/11", 404, """{"timestamp":1,"status":404,"error":"Not Found","message":"Player not found","path":"/v4/sessions/sess1/players/11"}""");
        Assert.Null(await _harness.Client.GetPlayerAsync(11, CancellationToken.None));
    }

    [Fact]
    public async Task GetPlayer_WhenTheSessionIsGone_ThrowsRatherThanSayingNoPlayer()
    {
        _server.Script("GET", "/v4/sessions/sess1/players/12", 404, """{"timestamp":1,"status":404,"error":"Not Found","message":"Session not found","path":"/v4/sessions/sess1/players/12"}""");

        var exception = await Assert.ThrowsAsync<LavalinkException>(() => _harness.Client.GetPlayerAsync(12, CancellationToken.None));

        Assert.Equal(404, exception.Status);
    }

    [Fact]
    public async Task DestroyPlayer_SendsDelete_AndA404IsFine()
    {
        await _harness.Client.DestroyPlayerAsync(20, CancellationToken.None);
        Assert.Single(_server.RequestsTo("DELETE", "/v4/sessions/sess1/players/20"));

        _server.Script("DELETE", "/v4/sessions/sess1/players/21", 404, """{"timestamp":1,"status":404,"error":"Not Found","message":"Player not found","path":"/"}""");
        await _harness.Client.DestroyPlayerAsync(21, CancellationToken.None);
    }

    [Fact]
    public async Task Stats_AreReadFromRest()
    {
        var stats = await _harness.Client.GetStatsAsync(CancellationToken.None);

        Assert.Equal((3, 2, TimeSpan.FromMinutes(1), 8), (stats.Players, stats.PlayingPlayers, stats.Uptime, stats.CpuCores));
        Assert.Same(stats, _harness.Client.Health.Stats);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("wrong-password", 403)]
    public async Task WrongPassword_SaysSo_WithoutTheNameOfThePassword(string? password, int status)
    {
        using var http = CreateHttpClient(password);
        var rest = new LavalinkRestClient(http, TimeSpan.FromSeconds(5), TimeProvider.System);

        var exception = await Assert.ThrowsAsync<LavalinkException>(() => rest.GetStatsAsync(CancellationToken.None));

        Assert.Equal(status, exception.Status);
        Assert.Contains("wrong Lavalink password", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Lavalink__Password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnection_IsLavalinkUnavailable()
    {
        var closedPort = ClosedPort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{closedPort}/") };
        var rest = new LavalinkRestClient(http, TimeSpan.FromSeconds(5), TimeProvider.System);

        var exception = await Assert.ThrowsAsync<LavalinkUnavailableException>(() => rest.LoadTracksAsync("x", CancellationToken.None));

        Assert.StartsWith("Audio server unavailable", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerInTime_IsLavalinkUnavailable_OnTheFakeClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var http = new HttpClient(new NeverAnswers()) { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var rest = new LavalinkRestClient(http, TimeSpan.FromSeconds(10), time);

        var call = rest.LoadTracksAsync("x", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10));

        var exception = await Assert.ThrowsAsync<LavalinkUnavailableException>(() => call);
        Assert.Contains("did not answer", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlayerCalls_BeforeReady_AreUnavailable()
    {
        await using var harness = LavalinkHarness.For(_server);

        var exception = await Assert.ThrowsAsync<LavalinkUnavailableException>(() =>
            harness.Client.UpdatePlayerAsync(1, new LavalinkPlayerUpdate { Paused = true }, false, CancellationToken.None));

        Assert.Contains("unavailable", exception.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<LavalinkUnavailableException>(() => harness.Client.LoadTracksAsync("x", CancellationToken.None));
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private HttpClient CreateHttpClient(string? password)
    {
        var http = new HttpClient { BaseAddress = _server.BaseUri };
        if (password is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", password);
        }

        return http;
    }

    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
