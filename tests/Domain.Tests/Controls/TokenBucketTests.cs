using Serverless.Domain.Controls;

namespace Serverless.Domain.Tests.Controls;

public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly LimitPolicy FivePer10s = new(5, TimeSpan.FromSeconds(10));

    [Fact]
    public void ANewBucket_IsFull()
    {
        Assert.Equal(5, TokenBucket.Refill(FivePer10s, 0, updatedAt: null, Now));
    }

    [Fact]
    public void Refill_AddsCapacityPerPeriod_Evenly_AndNeverPastCapacity()
    {
        Assert.Equal(1.5, TokenBucket.Refill(FivePer10s, 0, Now, Now.AddSeconds(3)), precision: 6);
        Assert.Equal(5, TokenBucket.Refill(FivePer10s, 4, Now, Now.AddMinutes(5)));
        Assert.Equal(2, TokenBucket.Refill(FivePer10s, 2, Now, Now.AddSeconds(-30)));
    }

    [Fact]
    public void Take_SpendsOneToken_ThenRefusesUntilOneHasRefilled()
    {
        var tokens = TokenBucket.Refill(FivePer10s, 0, null, Now);
        for (var i = 4; i >= 0; i--)
        {
            (var decision, tokens) = TokenBucket.Take(FivePer10s, tokens, Now);
            Assert.True(decision.Allowed);
            Assert.Equal(i, decision.Remaining);
        }

        var (refused, left) = TokenBucket.Take(FivePer10s, tokens, Now);
        Assert.False(refused.Allowed);
        Assert.Equal(0, left);

        // One token takes 2 s to come back at 5 per 10 s.
        Assert.Equal(Now.AddSeconds(2), refused.RetryAt);
        Assert.True(TokenBucket.Take(FivePer10s, TokenBucket.Refill(FivePer10s, left, Now, Now.AddSeconds(2)), Now.AddSeconds(2)).Decision.Allowed);
    }

    [Fact]
    public void ZeroCapacity_RefusesEverything_RetryingAfterAPeriod()
    {
        var none = new LimitPolicy(0, TimeSpan.FromMinutes(1));
        var (decision, _) = TokenBucket.Take(none, TokenBucket.Refill(none, 0, null, Now), Now);

        Assert.False(decision.Allowed);
        Assert.Equal(Now.AddMinutes(1), decision.RetryAt);
    }
}
