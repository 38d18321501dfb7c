using System.Net;
using System.Text;
using Serverless.Discord.Rest;
using Serverless.Discord.Tests.RateLimiting;

namespace Serverless.Discord.Tests.Credentials;

/// <summary>The REST client after a 401: one re-read of the token, one retry with a new one, and no hammering with a dead one.</summary>
public sealed class RestTokenRotationTests
{
    private const string UserJson = """{"id":"1234567890123456789","username":"sandbox-bot"}""";

    private static ClientHarness Harness(ChangingTokenSource source) =>
        new(credentials: clock => new DiscordCredentials(source, clock, TimeSpan.FromMinutes(1)));

    /// <summary>Discord accepting only <paramref name="accepted"/>; other bot tokens get Discord's 401 body.</summary>
    private static void AcceptOnly(ClientHarness harness, Func<string> accepted) =>
        harness.Discord.Script = (request, _) => request.Headers.Authorization?.Parameter == accepted()
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(UserJson, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("""{"message": "401: Unauthorized", "code": 0}""", Encoding.UTF8, "application/json") };

    [Fact]
    public async Task A401_WithANewTokenInTheSource_IsRetriedOnce_WithTheNewToken()
    {
        var source = new ChangingTokenSource("old-token");
        using var harness = Harness(source);
        var accepted = "old-token";
        AcceptOnly(harness, () => accepted);
        await harness.DriveAsync(harness.Client.GetCurrentUserAsync());

        accepted = "new-token";
        source.Token = "new-token";
        var me = await harness.DriveAsync(harness.Client.GetCurrentUserAsync());

        Assert.Equal("sandbox-bot", me.Username);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK], harness.Discord.Calls.Select(call => call.Status));
        Assert.Null(harness.TokenState.RejectedAt);
    }

    [Fact]
    public async Task A401_WithNoNewToken_Surfaces_AndLaterCallsFailFast_UntilTheInterval()
    {
        var source = new ChangingTokenSource("old-token");
        using var harness = Harness(source);
        AcceptOnly(harness, () => "new-token");

        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        Assert.Single(harness.Discord.Calls);
        Assert.Equal(2, source.Reads);

        // Within the minute: refused here, without a call to Discord, and without reading the source again.
        var fast = await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => harness.DriveAsync(harness.Client.GetChannelAsync(42)));
        Assert.Single(harness.Discord.Calls);
        Assert.Equal(2, source.Reads);
        Assert.Equal(HttpStatusCode.Unauthorized, fast.Status);
        Assert.DoesNotContain("old-token", fast.Message, StringComparison.Ordinal);

        // Past the minute, with the secret replaced: one refused call, one re-read, one retry that works.
        source.Token = "new-token";
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var me = await harness.DriveAsync(harness.Client.GetCurrentUserAsync());
        Assert.Equal("sandbox-bot", me.Username);
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK], harness.Discord.Calls.Select(call => call.Status));
    }

    [Fact]
    public async Task InteractionWebhookCalls_NeverCarryTheBotToken_NorRefreshIt()
    {
        var source = new ChangingTokenSource("old-token");
        using var harness = Harness(source);
        harness.Discord.Script = (request, _) => new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("""{"message": "401: Unauthorized", "code": 0}""", Encoding.UTF8, "application/json"),
        };

        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => harness.DriveAsync(harness.Client.EditOriginalResponseAsync(1, "interaction-token", new MessageEditPayload { Content = "hi" })));

        Assert.Single(harness.Discord.Calls);
        Assert.Equal(0, source.Reads);
    }

    [Fact]
    public async Task APostWithABody_IsRetriedWithTheSameBody()
    {
        var source = new ChangingTokenSource("old-token");
        using var harness = Harness(source);
        var bodies = new List<string>();
        harness.Discord.Script = (request, _) =>
        {
            if (request.Content is not null)
            {
                bodies.Add(request.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            }

            return request.Headers.Authorization?.Parameter == "new-token"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"id":"5","channel_id":"42","content":"hello"}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("""{"message": "401: Unauthorized", "code": 0}""", Encoding.UTF8, "application/json") };
        };
        await Assert.ThrowsAsync<DiscordUnauthorizedException>(() => harness.DriveAsync(harness.Client.GetCurrentUserAsync()));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        source.Token = "new-token";
        bodies.Clear();

        await harness.DriveAsync(harness.Client.CreateMessageAsync(42, new MessageCreatePayload { Content = "hello" }));

        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Contains("hello", bodies[1], StringComparison.Ordinal);
    }
}
