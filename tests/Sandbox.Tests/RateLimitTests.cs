using System.Globalization;
using System.Net;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Tests.TestSupport;

namespace Serverless.Sandbox.Tests;

public sealed class RateLimitTests
{
    private const ulong Channel = 300000000000000001;

    [Fact]
    public async Task ChannelMessages_CountDownInHeaders_Then429_ThenResetAfterThePeriod()
    {
        var clock = Sandboxes.NewClock();
        await using var sandbox = await Sandboxes.StartAsync(clock);
        using var api = Sandboxes.Api(sandbox);
        var remaining = new List<string>();
        var buckets = new HashSet<string>();

        for (var i = 0; i < 5; i++)
        {
            using var ok = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("5", ok.Header("X-RateLimit-Limit"));
            remaining.Add(ok.Header("X-RateLimit-Remaining"));
            buckets.Add(ok.Header("X-RateLimit-Bucket"));
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        using var limited = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
        var body = await limited.ReadJsonAsync();
        clock.Advance(TimeSpan.FromSeconds(3));
        using var afterReset = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);

        Assert.Equal(["4", "3", "2", "1", "0"], remaining);
        Assert.Single(buckets);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("You are being rate limited.", body.GetProperty("message").GetString());
        Assert.Equal(3.0, body.GetProperty("retry_after").GetDouble(), precision: 3);
        Assert.False(body.GetProperty("global").GetBoolean());
        Assert.Equal("3", limited.Header("Retry-After"));
        Assert.Equal("user", limited.Header("X-RateLimit-Scope"));
        Assert.Equal("0", limited.Header("X-RateLimit-Remaining"));
        Assert.Equal("3.000", limited.Header("X-RateLimit-Reset-After"));
        var reset = double.Parse(limited.Header("X-RateLimit-Reset"), CultureInfo.InvariantCulture);
        Assert.Equal(Sandboxes.Start.AddSeconds(5).ToUnixTimeMilliseconds() / 1000.0, reset, precision: 3);
        Assert.Equal(HttpStatusCode.OK, afterReset.StatusCode);
        Assert.Equal("4", afterReset.Header("X-RateLimit-Remaining"));
        Assert.Equal(6, sandbox.State.ChannelMessages(Channel).Count);
    }

    [Fact]
    public async Task Buckets_AreCountedPerChannel()
    {
        await using var sandbox = await Sandboxes.StartAsync();
        using var api = Sandboxes.Api(sandbox);

        for (var i = 0; i < 5; i++)
        {
            (await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token)).Dispose();
        }

        using var otherChannel = await api.PostAsync($"channels/{Channel + 1}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
        using var sameChannel = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);

        Assert.Equal(HttpStatusCode.OK, otherChannel.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameChannel.StatusCode);
        Assert.Equal(otherChannel.Header("X-RateLimit-Bucket"), sameChannel.Header("X-RateLimit-Bucket"));
    }

    [Fact]
    public async Task GlobalLimit_Answers429Global_ButWebhooksAreExempt()
    {
        var clock = Sandboxes.NewClock();
        await using var bot = await FakeBot.AnsweringAsync("""{"type":5}""");
        await using var sandbox = await Sandboxes.StartAsync(clock, bot.Url, new SandboxRateLimitOptions { GlobalLimit = 3 });
        using var api = Sandboxes.Api(sandbox);
        var sent = await sandbox.SendCommandAsync(bot);

        for (var i = 0; i < 3; i++)
        {
            (await api.GetAsync("users/@me", TestContext.Token)).Dispose();
        }

        using var global = await api.GetAsync("gateway/bot", TestContext.Token);
        var body = await global.ReadJsonAsync();
        using var webhook = await api.PatchAsync($"webhooks/{sandbox.ApplicationId}/{sent.Token}/messages/@original", Sandboxes.Json("""{"content":"done"}"""), TestContext.Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        using var nextSecond = await api.GetAsync("gateway/bot", TestContext.Token);

        Assert.Equal(HttpStatusCode.TooManyRequests, global.StatusCode);
        Assert.True(body.GetProperty("global").GetBoolean());
        Assert.Equal("true", global.Header("X-RateLimit-Global"));
        Assert.Equal("global", global.Header("X-RateLimit-Scope"));
        Assert.NotEmpty(global.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextSecond.StatusCode);
    }

    [Fact]
    public async Task Disabled_SendsNoHeadersAndNeverLimits()
    {
        await using var sandbox = await Sandboxes.StartAsync(rateLimits: new SandboxRateLimitOptions { Enabled = false });
        using var api = Sandboxes.Api(sandbox);

        HttpResponseMessage? last = null;
        for (var i = 0; i < 8; i++)
        {
            last?.Dispose();
            last = await api.PostAsync($"channels/{Channel}/messages", Sandboxes.Json("""{"content":"x"}"""), TestContext.Token);
        }

        using (last)
        {
            Assert.Equal(HttpStatusCode.OK, last!.StatusCode);
            Assert.Equal("", last.Header("X-RateLimit-Bucket"));
        }
    }
}
