using System.Net;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

/// <summary><c>POST /_sandbox/token</c>: the Developer Portal's token reset, revoking the old token on REST and the gateway.</summary>
public sealed class TokenRotationTests
{
    [Fact]
    public async Task Rotate_WithAToken_RefusesTheOldOneOnRest_AndAcceptsTheNewOne()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var control = Sandboxes.Control(sandbox);
        using var oldApi = Sandboxes.Api(sandbox);

        var answer = await (await control.PostAsync("_sandbox/token", Sandboxes.Json("""{"token":"rotated-token"}"""), TestContext.Token)).ReadJsonAsync();

        Assert.Equal("rotated-token", answer.GetProperty("token").GetString());
        Assert.Equal("rotated-token", sandbox.BotToken);
        using var refused = await oldApi.GetAsync("users/@me", TestContext.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var body = await refused.ReadJsonAsync();
        Assert.Equal("401: Unauthorized", body.GetProperty("message").GetString());
        Assert.Equal(0, body.GetProperty("code").GetInt32());
        using var newApi = Sandboxes.Api(sandbox);
        using var accepted = await newApi.GetAsync("users/@me", TestContext.Token);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var info = await (await control.GetAsync("_sandbox/info", TestContext.Token)).ReadJsonAsync();
        Assert.Equal("rotated-token", info.GetProperty("botToken").GetString());
    }

    [Fact]
    public async Task Rotate_WithoutABody_MakesUpANewToken()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var before = sandbox.BotToken;
        using var control = Sandboxes.Control(sandbox);

        var answer = await (await control.PostAsync("_sandbox/token", null, TestContext.Token)).ReadJsonAsync();

        var token = answer.GetProperty("token").GetString();
        Assert.NotEqual(before, token);
        Assert.StartsWith("sandbox-bot-token-", token, StringComparison.Ordinal);
        Assert.Equal(token, sandbox.BotToken);
    }

    [Fact]
    public async Task Rotate_ClosesLiveSessionsWith4004_AndRefusesIdentifyWithTheOldToken()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        var oldToken = sandbox.BotToken;
        var (live, _) = await GatewayClient.ConnectAndIdentifyAsync(sandbox);
        await using (live)
        {
            var newToken = sandbox.RotateBotToken("gateway-rotated-token");

            Assert.Equal(4004, await live.ReceiveCloseAsync());

            await using var stale = await GatewayClient.ConnectAsync(sandbox);
            await stale.ExpectOpAsync(10);
            await stale.SendAsync(GatewayClient.Identify(oldToken));
            Assert.Equal(4004, await stale.ReceiveCloseAsync());

            await using var fresh = await GatewayClient.ConnectAsync(sandbox);
            await fresh.ExpectOpAsync(10);
            await fresh.SendAsync(GatewayClient.Identify(newToken));
            await fresh.ExpectDispatchAsync("READY");
            Assert.Equal(2, sandbox.Gateway.IdentifyCount);
        }
    }
}
