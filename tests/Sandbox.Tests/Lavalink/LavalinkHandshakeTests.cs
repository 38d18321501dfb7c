using System.Net;
using Serverless.Sandbox.Lavalink;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

public sealed class LavalinkHandshakeTests
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Forbidden)]
    public async Task Rest_WithoutTheRightPassword_IsRefusedWithoutABody(string? password, HttpStatusCode expected)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = new HttpClient { BaseAddress = new Uri(lavalink.BaseUrl + "/") };
        if (password is not null)
        {
            rest.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", password);
        }

        foreach (var path in new[] { "version", "v4/info", "v4/loadtracks?identifier=ytsearch:x", "v4/sessions/abc/players" })
        {
            using var response = await rest.GetAsync(path, TestContext.Token);

            Assert.Equal(expected, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsStringAsync(TestContext.Token));
        }
    }

    [Theory]
    [InlineData(null, "100000000000000099", 401)]
    [InlineData("wrong", "100000000000000099", 403)]
    [InlineData(LavalinkDoubleOptions.DefaultPassword, null, 400)]
    [InlineData(LavalinkDoubleOptions.DefaultPassword, "0", 400)]
    [InlineData(LavalinkDoubleOptions.DefaultPassword, "not-a-snowflake", 400)]
    public async Task WebSocket_WithBadHeaders_IsRefused(string? password, string? userId, int expected)
    {
        await using var lavalink = await Lavalinks.StartAsync();

        var status = await LavalinkSocket.RefusedStatusAsync(lavalink, password, userId);

        Assert.Equal(expected, status);
        Assert.Empty(lavalink.Sessions);
    }

    [Fact]
    public async Task WebSocket_NewSession_SaysReadyWithA16CharacterId_AndNotResumed()
    {
        await using var lavalink = await Lavalinks.StartAsync();

        await using var socket = await LavalinkSocket.ConnectAsync(lavalink, sessionId: "doesnotexist0000");

        Assert.Equal("ready", socket.Ready.GetProperty("op").GetString());
        Assert.False(socket.Resumed);
        Assert.Equal("false", socket.SessionResumedHeader);
        Assert.Matches("^[a-z0-9]{16}$", socket.SessionId);
        var session = Assert.Single(lavalink.Sessions);
        Assert.Equal(socket.SessionId, session.Id);
        Assert.Equal(Lavalinks.BotUserId, session.UserId);
        Assert.Equal("sandbox-tests/1.0", session.ClientName);
        Assert.Contains(lavalink.Calls, call => call is { Method: "GET", Path: "/v4/websocket", StatusCode: 101 });
    }

    [Fact]
    public async Task Version_AndInfo_ComeFromTheSameSetting()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        await using var old = await Lavalinks.StartAsync(version: "4.1.0");
        using var rest = Lavalinks.Rest(lavalink);
        using var oldRest = Lavalinks.Rest(old);

        using var version = await rest.GetAsync("version", TestContext.Token);
        var info = await (await rest.GetAsync("v4/info", TestContext.Token)).ReadJsonAsync();
        var oldVersion = await oldRest.GetStringAsync("version", TestContext.Token);
        var oldInfo = await (await oldRest.GetAsync("v4/info", TestContext.Token)).ReadJsonAsync();

        Assert.Equal("4.2.2", await version.Content.ReadAsStringAsync(TestContext.Token));
        Assert.Equal("text/plain", version.Content.Headers.ContentType?.MediaType);
        var semver = info.GetProperty("version");
        Assert.Equal("4.2.2", semver.GetProperty("semver").GetString());
        Assert.Equal((4, 2, 2), (semver.GetProperty("major").GetInt32(), semver.GetProperty("minor").GetInt32(), semver.GetProperty("patch").GetInt32()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, semver.GetProperty("preRelease").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, semver.GetProperty("build").ValueKind);
        Assert.Equal(["youtube", "soundcloud", "http"], info.GetProperty("sourceManagers").EnumerateArray().Select(source => source.GetString()));
        Assert.Equal(0, info.GetProperty("plugins").GetArrayLength());
        Assert.True(info.GetProperty("git").TryGetProperty("commit", out _));
        Assert.Equal("4.1.0", oldVersion);
        Assert.Equal(1, oldInfo.GetProperty("version").GetProperty("minor").GetInt32());
    }

    [Fact]
    public async Task UnknownRoute_Is404WithLavalinksErrorBody()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        using var response = await rest.GetAsync("v3/nothing", TestContext.Token);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", body.GetProperty("error").GetString());
        Assert.Equal("/v3/nothing", body.GetProperty("path").GetString());
        Assert.Equal(Sandboxes.Start.ToUnixTimeMilliseconds(), body.GetProperty("timestamp").GetInt64());
    }
}
