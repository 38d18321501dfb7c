using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Tests.Music;
using Serverless.Companion.Tests.Telemetry;
using Serverless.Domain.Telemetry;

namespace Serverless.Companion.Tests.Lavalink;

/// <summary>Each Lavalink call is a dependency span and a duration measurement; the node, players and track failures are metrics.</summary>
public sealed class LavalinkTelemetryTests
{
    private const string Password = "Lavalink-Pw-That-Must-Not-Leak";
    private const ulong Guild = 987654321098765432;
    private const string PlayerRoute = "/v4/sessions/{sessionId}/players/{guildId}";

    [Fact]
    public async Task EveryCall_IsAClientSpan_NamedByMethodAndRouteTemplate_UnderTheCallersSpan_WithoutPasswordOrSession()
    {
        await using var server = await FakeLavalinkServer.StartAsync(Password);
        await using var harness = LavalinkHarness.For(server);
        await harness.StartReadyAsync(server, "secret-session-77");
        server.Script("GET", "/v4/loadtracks", 400, """{"timestamp":1,"status":400,"error":"Bad Request","message":"bad","path":"/v4/loadtracks"}""");
        server.Script("GET", "/v4/sessions/secret-session-77/players/5", 404, """{"timestamp":1,"status":404,"error":"Not Found","message":"Player not found","path":"/v4/sessions/secret-session-77/players/5"}""");
        using var spans = new SpanRecorder(TelemetryNames.Lavalink);

        await harness.Client.UpdatePlayerAsync(Guild, new LavalinkPlayerUpdate { Paused = true }, noReplace: false, CancellationToken.None);
        Assert.Null(await harness.Client.GetPlayerAsync(5, CancellationToken.None));
        await Assert.ThrowsAsync<LavalinkException>(() => harness.Client.LoadTracksAsync("ytsearch:my secret query", CancellationToken.None));

        var recorded = spans.Spans;
        Assert.Equal(["PATCH " + PlayerRoute, "GET " + PlayerRoute, "GET /v4/loadtracks"], recorded.Select(span => span.DisplayName));
        Assert.All(recorded, span =>
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal(TelemetryNames.Lavalink, span.Source.Name);
            Assert.Equal(spans.Root.SpanId, span.ParentSpanId);
            Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
            Assert.Equal(span.DisplayName.Split(' ')[0], span.GetTagItem("http.request.method"));
            Assert.Equal(span.DisplayName.Split(' ')[1], span.GetTagItem("lavalink.route"));
            foreach (var (key, value) in span.TagObjects)
            {
                var text = value?.ToString() ?? string.Empty;
                Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
                Assert.DoesNotContain("secret-session-77", text, StringComparison.Ordinal);
                Assert.DoesNotContain("secret query", text, StringComparison.Ordinal);
            }
        });

        var update = recorded[0];
        Assert.Equal(200, update.GetTagItem("http.response.status_code"));
        Assert.Equal(Guild.ToString(System.Globalization.CultureInfo.InvariantCulture), update.GetTagItem(TelemetryDimensions.GuildId));
        Assert.Equal(ActivityStatusCode.Unset, update.Status);
        Assert.Null(update.GetTagItem("error.type"));

        // No such player is an answer, not a failed call.
        var missingPlayer = recorded[1];
        Assert.Equal((404, ActivityStatusCode.Unset), (missingPlayer.GetTagItem("http.response.status_code"), missingPlayer.Status));
        Assert.Equal("5", missingPlayer.GetTagItem(TelemetryDimensions.GuildId));

        var load = recorded[2];
        Assert.Equal((400, "400", ActivityStatusCode.Error), (load.GetTagItem("http.response.status_code"), load.GetTagItem("error.type"), load.Status));
        Assert.Null(load.GetTagItem(TelemetryDimensions.GuildId));
    }

    [Fact]
    public async Task RestDuration_IsMeasured_ByMethodRouteTemplateAndStatus()
    {
        await using var server = await FakeLavalinkServer.StartAsync(Password);
        await using var harness = LavalinkHarness.For(server);
        using var meters = new MeterRecorder(harness.Services.GetRequiredService<LavalinkMetrics>().Meter);
        await harness.StartReadyAsync(server, "sess1");
        server.Script("GET", "/v4/loadtracks", 400, """{"timestamp":1,"status":400,"error":"Bad Request","message":"bad","path":"/v4/loadtracks"}""");

        await harness.Client.UpdatePlayerAsync(Guild, new LavalinkPlayerUpdate { Paused = true }, noReplace: false, CancellationToken.None);
        await Assert.ThrowsAsync<LavalinkException>(() => harness.Client.LoadTracksAsync("x", CancellationToken.None));
        await harness.Client.DestroyPlayerAsync(Guild, CancellationToken.None);

        var calls = meters.Of(LavalinkMetrics.RestDurationName)
            .Select(m => (m.Tag("method"), m.Tag("route"), m.Tag("status")))
            .ToList();
        // GET /v4/info before the socket and PATCH /v4/sessions/{sessionId} after ready come from the connection itself.
        Assert.Contains(("GET", "/v4/info", "200"), calls);
        Assert.Contains(("PATCH", PlayerRoute, "200"), calls);
        Assert.Contains(("GET", "/v4/loadtracks", "400"), calls);
        Assert.Contains(("DELETE", PlayerRoute, "204"), calls);
        Assert.All(meters.Of(LavalinkMetrics.RestDurationName), m =>
        {
            Assert.True(m.Value >= 0);
            Assert.Equal(["method", "route", "status"], m.Tags.Keys.Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public async Task AnUnreachableLavalink_IsStatusError_AndAFailedSpan()
    {
        using var provider = TestMeters.CreateFactoryProvider();
        var metrics = new LavalinkMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var meters = new MeterRecorder(metrics.Meter);
        using var spans = new SpanRecorder(TelemetryNames.Lavalink);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ClosedPort()}/") };
        var rest = new LavalinkRestClient(http, TimeSpan.FromSeconds(5), TimeProvider.System, metrics);

        await Assert.ThrowsAsync<LavalinkUnavailableException>(() => rest.GetStatsAsync(CancellationToken.None));

        var measurement = Assert.Single(meters.Of(LavalinkMetrics.RestDurationName));
        Assert.Equal(("GET", "/v4/stats", "error"), (measurement.Tag("method"), measurement.Tag("route"), measurement.Tag("status")));
        var span = Assert.Single(spans.Spans);
        Assert.Equal(("GET /v4/stats", ActivityStatusCode.Error, "ConnectionError"), (span.DisplayName, span.Status, span.GetTagItem("error.type")));
        Assert.Null(span.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task NodeState_FollowsTheConnection_ConnectingReadyDown()
    {
        await using var server = await FakeLavalinkServer.StartAsync(Password);
        await using var harness = LavalinkHarness.For(server);
        using var meters = new MeterRecorder(harness.Services.GetRequiredService<LavalinkMetrics>().Meter);

        Assert.Equal(1, Assert.Single(meters.Observe(LavalinkMetrics.NodeStateName)).Value);

        var connection = await harness.StartReadyAsync(server);
        Assert.Equal(2, Assert.Single(meters.Observe(LavalinkMetrics.NodeStateName)).Value);

        connection.Abort();
        await LavalinkHarness.NextAsync(harness.Handler.Disconnects);
        Assert.Equal(0, Assert.Single(meters.Observe(LavalinkMetrics.NodeStateName)).Value);
    }

    [Fact]
    public async Task NodeState_ReportsNothing_WhenLavalinkIsNotConfigured()
    {
        await using var harness = new LavalinkHarness(url: null, password: null);
        using var meters = new MeterRecorder(harness.Services.GetRequiredService<LavalinkMetrics>().Meter);

        Assert.Empty(meters.Observe(LavalinkMetrics.NodeStateName));
        // Without music registered there is no one to count players either.
        Assert.Empty(meters.Observe(LavalinkMetrics.PlayersName));
    }

    [Fact]
    public async Task TrackExceptions_AreCounted_BySeverity()
    {
        await using var server = await FakeLavalinkServer.StartAsync(Password);
        await using var harness = LavalinkHarness.For(server);
        using var meters = new MeterRecorder(harness.Services.GetRequiredService<LavalinkMetrics>().Meter);
        var connection = await harness.StartReadyAsync(server);
        const string Track = """{"encoded":"QAAAjQ","info":{"identifier":"x","isSeekable":true,"author":"A","length":1000,"isStream":false,"position":0,"title":"T","uri":null,"artworkUrl":null,"isrc":null,"sourceName":"youtube"},"pluginInfo":{},"userData":{}}""";

        foreach (var severity in new[] { "common", "fault", "FAULT", "novel" })
        {
            await connection.SendAsync($$$"""{"op":"event","type":"TrackExceptionEvent","guildId":"900","track":{{{Track}}},"exception":{"message":"m","severity":"{{{severity}}}","cause":"c"}}""");
            await LavalinkHarness.NextAsync(harness.Handler.Events);
        }

        var counted = meters.Of(LavalinkMetrics.TrackExceptionsName);
        Assert.All(counted, m => Assert.Equal(1, m.Value));
        Assert.Equal(["common", "fault", "fault", "unknown"], counted.Select(m => m.Tag("severity")));
    }

    [Fact]
    public async Task Players_CountsTheSessionsPlaying_NotPausedOrIdle()
    {
        using var music = new MusicHarness();
        using var provider = TestMeters.CreateFactoryProvider();
        var metrics = new LavalinkMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), music.Repository);
        using var meters = new MeterRecorder(metrics.Meter);

        Assert.Equal(0, Assert.Single(meters.Observe(LavalinkMetrics.PlayersName)).Value);

        await music.PlayAsync("never gonna");
        Assert.Equal(1, Assert.Single(meters.Observe(LavalinkMetrics.PlayersName)).Value);

        await music.Repository.UpdateAsync(MusicHarness.Guild, session => session.Paused = true, CancellationToken.None);
        Assert.Equal(0, Assert.Single(meters.Observe(LavalinkMetrics.PlayersName)).Value);

        await music.Repository.UpdateAsync(MusicHarness.Guild, session => session.Paused = false, CancellationToken.None);
        Assert.Equal(1, Assert.Single(meters.Observe(LavalinkMetrics.PlayersName)).Value);

        await music.Playback.LeaveAsync(MusicHarness.Guild, CancellationToken.None);
        Assert.Equal(0, Assert.Single(meters.Observe(LavalinkMetrics.PlayersName)).Value);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
