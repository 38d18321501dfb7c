using Serverless.Domain.Features.Duels;

namespace Serverless.Domain.Tests.Features.Duels;

public sealed class EloTests
{
    [Fact]
    public void EqualRatings_MoveByHalfOfK()
    {
        Assert.Equal((1016, 984), Elo.Apply(1000, 1000));
    }

    [Fact]
    public void TheFavouriteWinning_GainsLittle_AndTheUnderdogWinning_GainsMuch()
    {
        // Expected score of 1400 against 1000 is 10/11: 32 × (1 − 0.909) = 2.9 → 3.
        Assert.Equal((1403, 997), Elo.Apply(1400, 1000));
        Assert.Equal((1029, 1371), Elo.Apply(1000, 1400));
    }

    [Fact]
    public void Expected_IsSymmetric_AndAHalfForEqualRatings()
    {
        Assert.Equal(0.5, Elo.Expected(1200, 1200), precision: 10);
        Assert.Equal(1.0, Elo.Expected(1100, 1000) + Elo.Expected(1000, 1100), precision: 10);
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(2400, 800)]
    [InlineData(800, 2400)]
    public void AResult_KeepsTheTotal_AndMovesAtMostK(int winner, int loser)
    {
        var (newWinner, newLoser) = Elo.Apply(winner, loser);

        Assert.Equal(winner + loser, newWinner + newLoser);
        Assert.InRange(newWinner - winner, 0, Elo.K);
    }
}
