using System.Net;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Rule_FiresTheGivenNumberOfTimes_ThenStops()
    {
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(botUrl: bot.Url);
        using var api = Sandboxes.Api(sandbox, asBot: false);
        var sent = await sandbox.SendCommandAsync(bot);
        var rule = sandbox.Faults.Add(new FaultRule { Method = "PATCH", PathContains = "/messages/@original", StatusCode = 500, Times = 2 });
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 3; i++)
        {
            using var response = await api.PatchAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", Sandboxes.Json("""{"content":"done"}"""), TestContext.Token);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        Assert.Equal(2, rule.TimesFired);
        Assert.Equal([true, true, false], sandbox.Calls.Select(call => call.Faulted));
        Assert.Equal("done", sandbox.State.GetOriginal(sent.Token)!.Content);
    }

    [Fact]
    public async Task Rule_OnlyMatchesItsMethodAndPath()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.Faults.Add(new FaultRule { Method = "POST", PathContains = "/channels/", StatusCode = 503 });

        using var other = await api.GetAsync("users/@me", TestContext.Token);
        using var matched = await api.PostAsync("channels/1/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, matched.StatusCode);
    }

    [Fact]
    public async Task RateLimitFault_CarriesRetryAfterInBodyAndHeaders()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.Faults.Add(new FaultRule { PathContains = "/users/@me", StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(2.5), Times = 1 });

        using var limited = await api.GetAsync("users/@me", TestContext.Token);
        var body = await limited.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(2.5, body.GetProperty("retry_after").GetDouble());
        Assert.False(body.GetProperty("global").GetBoolean());
        Assert.Equal("3", limited.Header("Retry-After"));
        Assert.Equal("user", limited.Header("X-RateLimit-Scope"));
    }

    [Fact]
    public async Task UnauthorizedFault_AnswersLikeABadToken()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);
        sandbox.Faults.Add(new FaultRule { StatusCode = 401, Times = 1 });

        using var response = await api.GetAsync("users/@me", TestContext.Token);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("401: Unauthorized", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task DelayOnlyRule_WaitsOnTheSandboxClock_ThenLetsTheRequestThrough()
    {
        var clock = Sandboxes.NewClock();
        await using var sandbox = await Sandboxes.StartAsync(clock);
        using var api = Sandboxes.Api(sandbox);
        sandbox.Faults.Add(new FaultRule { PathContains = "/users/@me", Delay = TimeSpan.FromSeconds(30), Times = 1 });

        var pending = api.GetAsync("users/@me", TestContext.Token);
        await Task.Delay(200, TestContext.Token);
        var finishedEarly = pending.IsCompleted;
        // Advance until the delay has registered its timer and fired (the request may not have reached it yet).
        while (!pending.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(pending, Task.Delay(50, TestContext.Token));
        }

        using var response = await pending;
        Assert.False(finishedEarly);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(sandbox.Calls).Faulted);
    }

    [Fact]
    public void InvalidRule_IsRefused()
    {
        var faults = new FaultInjector();

        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { PathContains = "/x" }));
        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { StatusCode = 42 }));
        Assert.Throws<ArgumentException>(() => faults.Add(new FaultRule { StatusCode = 500, Times = 0 }));
    }
}
