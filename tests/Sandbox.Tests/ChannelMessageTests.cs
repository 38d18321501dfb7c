using System.Net;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class ChannelMessageTests
{
    private const ulong Channel = 200000000000000001;

    [Fact]
    public async Task WithoutBotAuth_Is401Unauthorized()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var anonymous = Sandboxes.Api(sandbox, asBot: false);
        using var wrongToken = Sandboxes.Api(sandbox, asBot: false);
        wrongToken.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bot", "something-else");

        using var missing = await anonymous.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"hi"}"""), TestContext.Token);
        using var wrong = await wrongToken.GetAsync("users/@me", TestContext.Token);
        var body = await missing.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("401: Unauthorized", body.GetProperty("message").GetString());
        Assert.Equal(0, body.GetProperty("code").GetInt32());
        Assert.Empty(sandbox.State.ChannelMessages(Channel));
    }

    [Fact]
    public async Task SameNonceWithEnforceNonce_ReturnsTheEarlierMessage()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        const string body = """{"content":"queued","nonce":"retry-1","enforce_nonce":true}""";

        using var first = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json(body), TestContext.Token);
        using var retry = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json(body), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("id").GetString(), (await retry.ReadJsonAsync()).GetProperty("id").GetString());
        Assert.Equal("retry-1", Assert.Single(sandbox.State.ChannelMessages(Channel)).Nonce);
    }

    [Fact]
    public async Task SameNonceWithoutEnforceNonce_CreatesTwoMessages()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        (await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"a","nonce":"n"}"""), TestContext.Token)).Dispose();
        (await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"a","nonce":"n"}"""), TestContext.Token)).Dispose();

        Assert.Equal(2, sandbox.State.ChannelMessages(Channel).Count);
    }

    [Fact]
    public async Task SameNonceAfterTheWindow_CreatesANewMessage()
    {
        var clock = Sandboxes.NewClock();
        await using var sandbox = await Sandboxes.StartAsync(clock);
        using var api = Sandboxes.Api(sandbox);
        const string body = """{"content":"queued","nonce":"retry-1","enforce_nonce":true}""";

        (await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json(body), TestContext.Token)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(10));
        (await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json(body), TestContext.Token)).Dispose();

        Assert.Equal(2, sandbox.State.ChannelMessages(Channel).Count);
    }

    [Fact]
    public async Task ListingMessages_After_GivesTheNearestNewerOnes_NewestFirst_WithoutTheirNonce()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        var ids = new List<string>();
        foreach (var content in new[] { "one", "two", "three", "four" })
        {
            using var created = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json($$"""{"content":"{{content}}","nonce":"n-{{content}}","enforce_nonce":true}"""), TestContext.Token);
            var json = await created.ReadJsonAsync();
            Assert.Equal($"n-{content}", json.GetProperty("nonce").GetString());
            ids.Add(json.GetProperty("id").GetString()!);
        }

        using var after = await api.GetAsync($"channels/{Channel}/messages?after={ids[0]}&limit=2", TestContext.Token);
        using var before = await api.GetAsync($"channels/{Channel}/messages?before={ids[3]}&limit=2", TestContext.Token);
        using var one = await api.GetAsync($"channels/{Channel}/messages/{ids[0]}", TestContext.Token);
        var afterPage = (await after.ReadJsonAsync()).EnumerateArray().ToList();

        Assert.Equal(["three", "two"], afterPage.Select(m => m.GetProperty("content").GetString()));
        Assert.All(afterPage, m => Assert.Equal(System.Text.Json.JsonValueKind.Null, m.TryGetProperty("nonce", out var nonce) ? nonce.ValueKind : System.Text.Json.JsonValueKind.Null));
        Assert.Equal(["three", "two"], (await before.ReadJsonAsync()).EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.False((await one.ReadJsonAsync()).TryGetProperty("nonce", out var single) && single.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Message_CanBeReadEditedAndDeleted_AndUnknownIs10008()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var created = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"v1"}"""), TestContext.Token);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString();
        using var edited = await api.PatchAsync($"channels/{Channel}/messages/{id}", Sandboxes.Json("""{"content":"v2"}"""), TestContext.Token);
        using var read = await api.GetAsync($"channels/{Channel}/messages/{id}", TestContext.Token);
        using var deleted = await api.DeleteAsync($"channels/{Channel}/messages/{id}", TestContext.Token);
        using var unknown = await api.GetAsync($"channels/{Channel}/messages/{id}", TestContext.Token);

        Assert.Equal("v2", (await edited.ReadJsonAsync()).GetProperty("content").GetString());
        Assert.Equal("v2", (await read.ReadJsonAsync()).GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(10008, (await unknown.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Empty(sandbox.State.ChannelMessages(Channel));
    }

    [Fact]
    public async Task JsonWithoutContentType_Is400InvalidFormBody()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var content = new ByteArrayContent("""{"content":"hi"}"""u8.ToArray());

        using var response = await api.PostAsync($"channels/{Channel}/messages", content, TestContext.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(50035, (await response.ReadJsonAsync()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ContentOver2000Characters_Is400WithTheFieldNamed()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        using var response = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json($$"""{"content":"{{new string('x', 2001)}}"}"""), TestContext.Token);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BASE_TYPE_MAX_LENGTH", body.GetProperty("errors").GetProperty("content").GetProperty("_errors")[0].GetProperty("code").GetString());
    }
}
