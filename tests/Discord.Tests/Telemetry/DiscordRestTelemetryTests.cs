using System.Diagnostics;
using System.Net;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.RateLimiting;
using Serverless.Domain.Telemetry;

namespace Serverless.Discord.Tests.Telemetry;

public sealed class DiscordRestTelemetryTests
{
    private const string InteractionToken = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4";
    private const string BotToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4.bot-secret-token";
    private const string OriginalRoute = "PATCH /webhooks/{application.id}/{interaction.token}/messages/@original";

    private static MessageCreatePayload Message() => new() { Content = "hi" };

    [Fact]
    public async Task WebhookCall_IsOneClientSpanNamedByTemplate_AndNoTagOrNameHoldsAToken()
    {
        using var harness = new ClientHarness(botToken: BotToken);
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);

        await harness.DriveAsync(Task.Run(() => harness.Client.EditOriginalResponseAsync(100, InteractionToken, new MessageEditPayload { Content = "done" })));

        var span = Assert.Single(capture.Spans);
        Assert.Equal(OriginalRoute, span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(TelemetryNames.DiscordRest, span.Source.Name);
        Assert.Equal("PATCH", span.GetTagItem("http.request.method"));
        Assert.Equal(OriginalRoute, span.GetTagItem("discord.route"));
        Assert.Equal("discord.test", span.GetTagItem("server.address"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(0, span.GetTagItem("discord.retries"));
        Assert.Equal("abc123", span.GetTagItem("discord.bucket"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
        AssertNoSecret(span);

        var duration = Assert.Single(capture.Measurements(DiscordRestMetrics.DurationName));
        Assert.Equal("PATCH", duration.Tag("method"));
        Assert.Equal(OriginalRoute, duration.Tag("route"));
        Assert.Equal("200", duration.Tag("status"));
        Assert.DoesNotContain(duration.Tags.Values, value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!.Contains(InteractionToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A429_ShowsAsARetryAndAWait_InTheSpanAndTheCounters()
    {
        using var harness = new ClientHarness(botToken: BotToken);
        harness.Discord.Script = (_, index) => index == 0 ? UserLimited(2.5) : null;
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);

        await harness.DriveAsync(Task.Run(() => harness.Client.CreateMessageAsync(42, Message())));

        var span = Assert.Single(capture.Spans);
        Assert.Equal("POST /channels/{channel.id}/messages", span.DisplayName);
        Assert.Equal(1, span.GetTagItem("discord.retries"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        var waitedMs = Assert.IsType<double>(span.GetTagItem("discord.rate_limit_wait_ms"));
        Assert.InRange(waitedMs, 2500, 4000);
        AssertNoSecret(span);

        var limited = Assert.Single(capture.Measurements(DiscordRestMetrics.RateLimitedName));
        Assert.Equal(1, limited.Value);
        Assert.Equal("user", limited.Tag("scope"));
        Assert.Equal("POST /channels/{channel.id}/messages", limited.Tag("route"));

        var wait = Assert.Single(capture.Measurements(DiscordRestMetrics.RateLimitWaitName));
        Assert.Equal("POST /channels/{channel.id}/messages", wait.Tag("route"));
        Assert.Equal(waitedMs, wait.Value, precision: 0);

        // A user-scope 429 is an invalid request.
        Assert.Equal(1, capture.Observe(DiscordRestMetrics.InvalidRequestsName)[^1].Value);
        var duration = Assert.Single(capture.Measurements(DiscordRestMetrics.DurationName));
        Assert.Equal("200", duration.Tag("status"));
    }

    [Fact]
    public async Task SharedAndGlobal429s_AreCountedByTheirScope()
    {
        using var harness = new ClientHarness(botToken: BotToken);
        harness.Discord.Script = (_, index) => index switch
        {
            0 => Scoped(FakeDiscord.TooMany(0.5, global: false), "shared"),
            1 => Scoped(FakeDiscord.TooMany(0.5, global: true), "global"),
            _ => null,
        };
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);

        await harness.DriveAsync(Task.Run(() => harness.Client.CreateMessageAsync(42, Message())));

        var scopes = capture.Measurements(DiscordRestMetrics.RateLimitedName).Select(m => m.Tag("scope")).ToList();
        Assert.Equal(["shared", "global"], scopes);
        Assert.Equal(2, Assert.Single(capture.Spans).GetTagItem("discord.retries"));

        // A shared-scope 429 costs nothing; the global one does.
        Assert.Equal(1, capture.Observe(DiscordRestMetrics.InvalidRequestsName)[^1].Value);
    }

    [Fact]
    public async Task ServerErrorRetries_CountInTheOneSpan()
    {
        using var harness = new ClientHarness(botToken: BotToken);
        harness.Discord.Script = (_, index) => index == 0 ? FakeDiscord.Error(HttpStatusCode.ServiceUnavailable, 0) : null;
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);

        await harness.DriveAsync(Task.Run(() => harness.Client.GetChannelAsync(42)));

        Assert.Equal(2, harness.Discord.Calls.Count);
        var span = Assert.Single(capture.Spans);
        Assert.Equal("GET /channels/{channel.id}", span.DisplayName);
        Assert.Equal(1, span.GetTagItem("discord.retries"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task RejectedCall_IsAnErrorSpan_AndMovesTheInvalidRequestGauge(HttpStatusCode status)
    {
        using var harness = new ClientHarness(botToken: BotToken);
        harness.Discord.Script = (_, _) => FakeDiscord.Error(status, 50001);
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);
        Assert.Equal(0, capture.Observe(DiscordRestMetrics.InvalidRequestsName)[^1].Value);

        await Assert.ThrowsAnyAsync<DiscordApiException>(() => harness.DriveAsync(Task.Run(() => harness.Client.GetGuildAsync(7))));

        var span = Assert.Single(capture.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal((int)status, span.GetTagItem("http.response.status_code"));
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetTagItem("error.type"));
        AssertNoSecret(span);
        Assert.Equal(1, capture.Observe(DiscordRestMetrics.InvalidRequestsName)[^1].Value);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(capture.Measurements(DiscordRestMetrics.DurationName)).Tag("status"));
    }

    [Fact]
    public async Task CircuitState_IsObservable_AndAnOpenCircuitFailsTheSpan()
    {
        using var harness = new ClientHarness(
            options =>
            {
                options.MaxAttempts = 1;
                options.BreakerMinimumThroughput = 2;
                options.BreakerFailureRatio = 0.5;
            },
            botToken: BotToken);
        harness.Discord.Script = (_, _) => FakeDiscord.Error(HttpStatusCode.InternalServerError, 0);
        using var capture = new TelemetryCapture(harness.Get<DiscordRestMetrics>().Meter, TelemetryNames.DiscordRest);
        Assert.Equal(0, capture.Observe(DiscordRestMetrics.CircuitStateName)[^1].Value);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<DiscordApiException>(() => harness.DriveAsync(Task.Run(() => harness.Client.GetChannelAsync(42))));
        }

        Assert.Equal(2, capture.Observe(DiscordRestMetrics.CircuitStateName)[^1].Value);
        await Assert.ThrowsAsync<DiscordUnavailableException>(() => harness.DriveAsync(Task.Run(() => harness.Client.GetChannelAsync(42))));

        var refused = capture.Spans[^1];
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.Equal(typeof(DiscordUnavailableException).FullName, refused.GetTagItem("error.type"));
        Assert.Null(refused.GetTagItem("http.response.status_code"));
        Assert.Equal("error", capture.Measurements(DiscordRestMetrics.DurationName)[^1].Tag("status"));
    }

    private static HttpResponseMessage UserLimited(double retryAfter) => Scoped(FakeDiscord.TooMany(retryAfter, global: false), "user");

    private static HttpResponseMessage Scoped(HttpResponseMessage response, string scope)
    {
        response.Headers.Add("X-RateLimit-Scope", scope);
        if (scope == "global")
        {
            response.Headers.Add("X-RateLimit-Global", "true");
        }

        return response;
    }

    private static void AssertNoSecret(Activity span)
    {
        Assert.DoesNotContain(InteractionToken, span.DisplayName, StringComparison.Ordinal);
        Assert.DoesNotContain(InteractionToken, span.OperationName, StringComparison.Ordinal);
        foreach (var (key, value) in span.TagObjects)
        {
            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            Assert.DoesNotContain(InteractionToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("bot-secret-token", text, StringComparison.Ordinal);
            Assert.DoesNotContain("/webhooks/100/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bot ", text, StringComparison.Ordinal);
            Assert.False(text.Contains("http://", StringComparison.Ordinal), $"{key} holds a URL: {text}");
        }
    }
}
