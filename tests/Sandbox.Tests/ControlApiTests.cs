using System.Net;
using System.Text.Json;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class ControlApiTests
{
    [Fact]
    public async Task Info_GivesWhatABotNeeds()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);

        var info = await (await control.GetAsync("_sandbox/info", TestContext.Token)).ReadJsonAsync();

        Assert.Equal("100000000000000001", info.GetProperty("applicationId").GetString());
        Assert.Equal(sandbox.PublicKeyHex, info.GetProperty("publicKey").GetString());
        Assert.Equal(sandbox.ApiBaseUrl, info.GetProperty("apiBaseUrl").GetString());
        Assert.Equal(sandbox.BotToken, info.GetProperty("botToken").GetString());
        Assert.Equal("http://127.0.0.1:9/api/interactions", info.GetProperty("botInteractionsUrl").GetString());
        Assert.StartsWith("http://127.0.0.1:", sandbox.BaseUrl, StringComparison.Ordinal);
        Assert.Equal(sandbox.BaseUrl + "/api/v10", sandbox.ApiBaseUrl);
        Assert.Matches("^[0-9a-f]{64}$", sandbox.PublicKeyHex);
    }

    [Fact]
    public async Task Calls_AreRecordedWithoutTheAuthorizationValue_AndListableSinceASequence()
    {
        var clock = Sandboxes.NewClock();
        await using var sandbox = await Sandboxes.StartAsync(clock);
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);

        (await api.GetAsync("users/@me?with_counts=true", TestContext.Token)).Dispose();
        (await api.PostAsync("channels/5/messages", Sandboxes.Json("""{"content":"hello"}"""), TestContext.Token)).Dispose();
        var since1 = await (await control.GetAsync("_sandbox/calls?since=1", TestContext.Token)).ReadJsonAsync();
        using var cleared = await control.DeleteAsync("_sandbox/calls", TestContext.Token);

        Assert.Empty(sandbox.Calls);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        var calls = since1.GetProperty("calls");
        Assert.Equal(1, calls.GetArrayLength());
        var call = calls[0];
        Assert.Equal(1, call.GetProperty("sequence").GetInt64());
        Assert.Equal("POST", call.GetProperty("method").GetString());
        Assert.Equal("/channels/5/messages", call.GetProperty("path").GetString());
        Assert.Equal("""{"content":"hello"}""", call.GetProperty("body").GetString());
        Assert.Equal(200, call.GetProperty("statusCode").GetInt32());
        Assert.True(call.GetProperty("hasAuthorization").GetBoolean());
        Assert.Equal(2, since1.GetProperty("nextSequence").GetInt64());
        Assert.DoesNotContain(sandbox.BotToken, since1.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordedCall_HasQueryTimeAndToken()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);

        (await api.PostAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}?wait=true", Sandboxes.Json("""{"content":"more"}"""), TestContext.Token)).Dispose();

        var call = Assert.Single(sandbox.Calls);
        Assert.Equal("?wait=true", call.Query);
        Assert.Equal(sent.Token, call.InteractionToken);
        Assert.False(call.HasAuthorization);
        Assert.Equal(Sandboxes.Start, call.At);
    }

    [Fact]
    public async Task WaitForCall_CompletesForPastAndFutureCalls_AndTimesOutOtherwise()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        (await api.GetAsync("users/@me", TestContext.Token)).Dispose();

        var past = await sandbox.WaitForCallAsync(call => call.Path == "/users/@me", Sandboxes.WaitTimeout, TestContext.Token);
        var future = sandbox.WaitForCallAsync(call => call.Path == "/gateway/bot", Sandboxes.WaitTimeout, TestContext.Token);
        Assert.False(future.IsCompleted);
        (await api.GetAsync("gateway/bot", TestContext.Token)).Dispose();

        Assert.Equal(200, past.StatusCode);
        Assert.Equal(200, (await future).StatusCode);
        await Assert.ThrowsAsync<TimeoutException>(() => sandbox.WaitForCallAsync(call => call.Method == "PUT", TimeSpan.FromMilliseconds(100), TestContext.Token));
    }

    [Fact]
    public async Task PostInteraction_SignsAndSendsTheCommand_AndReportsTheBotsAnswer()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":4,"data":{"content":"Pong!"}}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var control = Sandboxes.Control(sandbox);

        using var response = await control.PostAsync(
            "_sandbox/interactions", Sandboxes.Json("""{"name":"/music play","options":{"query":"x","count":2}}"""), TestContext.Token);
        var sent = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, sent.GetProperty("statusCode").GetInt32());
        Assert.Equal("""{"type":4,"data":{"content":"Pong!"}}""", sent.GetProperty("responseBody").GetString());
        Assert.Equal("Pong!", sandbox.State.GetOriginal(sent.GetProperty("token").GetString()!)!.Content);
        using var payload = JsonDocument.Parse(Assert.Single(bot.Requests).Body);
        var data = payload.RootElement.GetProperty("data");
        Assert.Equal("music", data.GetProperty("name").GetString());
        var sub = data.GetProperty("options")[0];
        Assert.Equal("play", sub.GetProperty("name").GetString());
        Assert.Equal(1, sub.GetProperty("type").GetInt32());
        Assert.Equal("x", sub.GetProperty("options")[0].GetProperty("value").GetString());
        Assert.Equal(4, sub.GetProperty("options")[1].GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task Faults_CanBeAddedAndClearedOverHttp()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        using var control = Sandboxes.Control(sandbox);

        using var added = await control.PostAsync("_sandbox/faults", Sandboxes.Json("""{"method":"GET","pathContains":"/users/@me","statusCode":502,"times":5}"""), TestContext.Token);
        using var faulted = await api.GetAsync("users/@me", TestContext.Token);
        using var cleared = await control.DeleteAsync("_sandbox/faults", TestContext.Token);
        using var normal = await api.GetAsync("users/@me", TestContext.Token);
        using var invalid = await control.PostAsync("_sandbox/faults", Sandboxes.Json("""{"statusCode":9999}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, faulted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        Assert.Empty(sandbox.Faults.Rules);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }
}
