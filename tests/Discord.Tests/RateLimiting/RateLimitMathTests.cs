using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Tests.RateLimiting;

public sealed class RateLimitMathTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reserve_UnknownBucket_SendsOneProbe_ThenHoldsOthers()
    {
        var (state, first) = RateLimitMath.Reserve(null, 3, Now, BucketDefaults.Unknown);
        var (_, second) = RateLimitMath.Reserve(state, 3, Now, BucketDefaults.Unknown);

        Assert.Equal(1, first.Granted);
        Assert.Equal(0, second.Granted);
        Assert.True(state.Probing);
    }

    [Fact]
    public void Reserve_GrantsALeaseOfAtMostHalfOfWhatIsLeft()
    {
        var known = RateLimitMath.Observe(null, new BucketObservation(5, 4, TimeSpan.FromSeconds(5)), Now);
        var (state, lease) = RateLimitMath.Reserve(known, 3, Now, BucketDefaults.Unknown);
        var (next, second) = RateLimitMath.Reserve(state, 3, Now, BucketDefaults.Unknown);
        var (last, third) = RateLimitMath.Reserve(next, 3, Now, BucketDefaults.Unknown);
        var (_, none) = RateLimitMath.Reserve(last, 3, Now, BucketDefaults.Unknown);

        Assert.Equal([2, 1, 1, 0], new[] { lease.Granted, second.Granted, third.Granted, none.Granted });
    }

    [Fact]
    public void Observe_SameWindow_KeepsTheLowerRemaining()
    {
        var state = new BucketState(5, 1, Now + TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

        var observed = RateLimitMath.Observe(state, new BucketObservation(5, 3, TimeSpan.FromSeconds(4)), Now);

        Assert.Equal(1, observed.Remaining);
    }

    [Fact]
    public void Reserve_AfterReset_OpensANewWindowWithTheKnownLimit()
    {
        var state = new BucketState(5, 0, Now, TimeSpan.FromSeconds(5));

        var (next, lease) = RateLimitMath.Reserve(state, 2, Now, BucketDefaults.Unknown);

        Assert.Equal(2, lease.Granted);
        Assert.Equal(3, next.Remaining);
        Assert.True(next.ResetAt >= Now + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Route_KeysWebhooksByAHashOfIdAndToken()
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "http://x/api/v10/webhooks/123/secret-token/messages/@original");

        var route = Serverless.Discord.Rest.DiscordRoute.Parse(request);

        Assert.Equal("PATCH /webhooks/{id}/{token}/messages/@original", route.Template);
        Assert.DoesNotContain("secret-token", route.RouteKey, StringComparison.Ordinal);
        Assert.True(route.IsInteraction);
        Assert.False(route.CountsTowardGlobal);
    }

    [Fact]
    public void Route_ChannelIdIsTheMajorParameter()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://x/api/v10/channels/42/messages/7");
        request.Headers.Authorization = new("Bot", "t");

        var route = Serverless.Discord.Rest.DiscordRoute.Parse(request);

        Assert.Equal("POST /channels/{id}/messages/{id}", route.Template);
        Assert.Equal("c:42", route.MajorParameter);
        Assert.True(route.CountsTowardGlobal);
    }
}
