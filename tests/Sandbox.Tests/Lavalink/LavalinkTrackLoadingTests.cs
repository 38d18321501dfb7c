using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests.Lavalink;

public sealed class LavalinkTrackLoadingTests
{
    [Theory]
    [InlineData("ytsearch:never gonna", "youtube")]
    [InlineData("scsearch:never gonna", "soundcloud")]
    public async Task Search_GivesFiveTracksTitledFromTheQuery(string identifier, string source)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var result = await rest.LoadAsync(identifier);

        Assert.Equal("search", result.GetProperty("loadType").GetString());
        var tracks = result.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(5, tracks.Count);
        Assert.All(tracks, track =>
        {
            var info = track.GetProperty("info");
            Assert.Contains("never gonna", info.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.Equal(source, info.GetProperty("sourceName").GetString());
            Assert.Equal(180_000, info.GetProperty("length").GetInt64());
            Assert.False(info.GetProperty("isStream").GetBoolean());
            Assert.Equal(JsonValueKind.Null, info.GetProperty("isrc").ValueKind);
            Assert.Equal(JsonValueKind.Object, track.GetProperty("pluginInfo").ValueKind);
            Assert.Equal(JsonValueKind.Object, track.GetProperty("userData").ValueKind);
        });
        Assert.Equal(5, tracks.Select(track => track.GetProperty("encoded").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task ASearchForAScriptedIdentifier_AnswersAsThatIdentifier()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var result = await rest.LoadAsync("ytsearch:sandbox:track?length=2000&title=Short");

        Assert.Equal("track", result.GetProperty("loadType").GetString());
        var info = result.GetProperty("data").GetProperty("info");
        Assert.Equal("Short", info.GetProperty("title").GetString());
        Assert.Equal(2000, info.GetProperty("length").GetInt64());
    }

    [Fact]
    public async Task Url_GivesOneTrack_TheSameEachTime()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var first = await rest.LoadAsync("https://example.com/music/song.mp3");
        var second = await rest.LoadAsync("https://example.com/music/song.mp3");

        Assert.Equal("track", first.GetProperty("loadType").GetString());
        var info = first.GetProperty("data").GetProperty("info");
        Assert.Equal("https://example.com/music/song.mp3", info.GetProperty("uri").GetString());
        Assert.Equal("http", info.GetProperty("sourceName").GetString());
        Assert.Contains("song.mp3", info.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(first.GetRawText(), second.GetRawText());
    }

    [Fact]
    public async Task PlaylistUrl_GivesAPlaylistWithNoSelectedTrack()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var result = await rest.LoadAsync("https://www.youtube.com/playlist?list=PL123");

        Assert.Equal("playlist", result.GetProperty("loadType").GetString());
        var data = result.GetProperty("data");
        Assert.Equal(-1, data.GetProperty("info").GetProperty("selectedTrack").GetInt32());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("info").GetProperty("name").GetString()));
        Assert.Equal(3, data.GetProperty("tracks").GetArrayLength());
        Assert.Equal("youtube", data.GetProperty("tracks")[0].GetProperty("info").GetProperty("sourceName").GetString());
    }

    [Fact]
    public async Task SandboxError_GivesAnErrorLoadResult()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var plain = await rest.LoadAsync("sandbox:error");
        var custom = await rest.LoadAsync("sandbox:error?message=This video is unavailable&severity=suspicious");

        Assert.Equal("error", plain.GetProperty("loadType").GetString());
        Assert.Equal("common", plain.GetProperty("data").GetProperty("severity").GetString());
        Assert.False(string.IsNullOrEmpty(plain.GetProperty("data").GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(plain.GetProperty("data").GetProperty("cause").GetString()));
        Assert.Equal("This video is unavailable", custom.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("suspicious", custom.GetProperty("data").GetProperty("severity").GetString());
    }

    [Theory]
    [InlineData("sandbox:empty")]
    [InlineData("just some words")]
    [InlineData("ytsearch:   ")]
    public async Task NothingFound_GivesEmpty(string identifier)
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var result = await rest.LoadAsync(identifier);

        Assert.Equal("empty", result.GetProperty("loadType").GetString());
        Assert.Equal("{}", result.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task SandboxTrack_TakesLengthTitleAndAuthorFromTheIdentifier()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        var result = await rest.LoadAsync("sandbox:track?length=2000&title=Short%20One&author=Tester");
        var stream = await rest.LoadAsync("sandbox:stream?title=Radio");

        var info = result.GetProperty("data").GetProperty("info");
        Assert.Equal(2000, info.GetProperty("length").GetInt64());
        Assert.Equal("Short One", info.GetProperty("title").GetString());
        Assert.Equal("Tester", info.GetProperty("author").GetString());
        var streamInfo = stream.GetProperty("data").GetProperty("info");
        Assert.True(streamInfo.GetProperty("isStream").GetBoolean());
        Assert.False(streamInfo.GetProperty("isSeekable").GetBoolean());
    }

    [Fact]
    public async Task DecodeTrack_GivesBackTheLoadedTrack()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);
        var loaded = (await rest.LoadAsync("ytsearch:round trip")).GetProperty("data");
        var first = loaded[0];
        var second = loaded[1];

        var decoded = await (await rest.GetAsync("v4/decodetrack?encodedTrack=" + Uri.EscapeDataString(first.GetProperty("encoded").GetString()!), TestContext.Token)).ReadJsonAsync();
        using var many = await rest.PostAsync("v4/decodetracks", Sandboxes.Json($"[\"{first.GetProperty("encoded").GetString()}\",\"{second.GetProperty("encoded").GetString()}\"]"), TestContext.Token);
        var decodedMany = await many.ReadJsonAsync();
        using var bad = await rest.GetAsync("v4/decodetrack?encodedTrack=QAAAnotatrack", TestContext.Token);

        Assert.Equal(first.GetRawText(), decoded.GetRawText());
        Assert.Equal(2, decodedMany.GetArrayLength());
        Assert.Equal(second.GetProperty("info").GetRawText(), decodedMany[1].GetProperty("info").GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task EveryCall_IsRecordedWithItsBody()
    {
        await using var lavalink = await Lavalinks.StartAsync();
        using var rest = Lavalinks.Rest(lavalink);

        await rest.LoadAsync("ytsearch:recorded");
        using var posted = await rest.PostAsync("v4/decodetracks", Sandboxes.Json("[]"), TestContext.Token);

        Assert.Collection(
            lavalink.Calls,
            call => Assert.Equal(("GET", "/v4/loadtracks", "?identifier=ytsearch%3Arecorded", 200), (call.Method, call.Path, call.Query, call.StatusCode)),
            call => Assert.Equal(("POST", "/v4/decodetracks", "[]", 200), (call.Method, call.Path, call.Body, call.StatusCode)));
    }
}
