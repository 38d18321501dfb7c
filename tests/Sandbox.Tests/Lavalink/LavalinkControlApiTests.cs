using System.Net;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

/// <summary>The double's <c>/_double</c> API, for a double running in another process.</summary>
public sealed class LavalinkControlApiTests
{
    [Fact]
    public async Task Faults_CanBeScriptedOverHttp_AndPlayersEventsAndCallsRead()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        using var control = new HttpClient { BaseAddress = new Uri(lavalink.BaseUrl + "/_double/") };
        using var fail = await control.PostAsync($"guilds/{Lavalinks.GuildId}/fail-next-track", Sandboxes.Json("""{"message":"Blocked in your country"}"""), TestContext.Token);

        var (socket, _) = await Lavalinks.PlayAsync(lavalink, rest, "sandbox:track?title=Blocked");
        await using var _ = socket;
        var exception = await socket.NextEventAsync("TrackExceptionEvent");
        await socket.NextEventAsync("TrackEndEvent");
        using var close = await control.PostAsync($"guilds/{Lavalinks.GuildId}/close-voice", Sandboxes.Json("""{"code":4014}"""), TestContext.Token);
        var closed = await socket.NextEventAsync("WebSocketClosedEvent");
        using var unknownGuild = await control.PostAsync("guilds/1/close-voice", Sandboxes.Json("""{"code":4014}"""), TestContext.Token);
        var players = await (await control.GetAsync("players", TestContext.Token)).ReadJsonAsync();
        var events = await (await control.GetAsync("events?since=1", TestContext.Token)).ReadJsonAsync();
        var calls = await (await control.GetAsync("calls", TestContext.Token)).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, fail.StatusCode);
        Assert.Equal("Blocked in your country", exception.GetProperty("exception").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NoContent, close.StatusCode);
        Assert.Equal(4014, closed.GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, unknownGuild.StatusCode);
        var player = Assert.Single(players.EnumerateArray());
        Assert.False(player.GetProperty("connected").GetBoolean());
        Assert.Equal("100000000000000040", player.GetProperty("voice").GetProperty("channelId").GetString());
        Assert.Equal(["TrackExceptionEvent", "TrackEndEvent", "WebSocketClosedEvent"], events.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.DoesNotContain(calls.EnumerateArray(), call => call.GetProperty("path").GetString()!.StartsWith("/_double", StringComparison.Ordinal));
        Assert.Contains(calls.EnumerateArray(), call => call.GetProperty("method").GetString() == "PATCH");
    }
}
