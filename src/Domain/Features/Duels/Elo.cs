namespace Serverless.Domain.Features.Duels;

/// <summary>Elo ratings: every player starts at <see cref="StartRating"/>; a result moves both by at most <see cref="K"/>.</summary>
public static class Elo
{
    public const int StartRating = 1000;
    public const int K = 32;

    /// <summary>The chance the first player wins, by the logistic curve on a 400-point scale.</summary>
    public static double Expected(int rating, int opponentRating) => 1 / (1 + Math.Pow(10, (opponentRating - rating) / 400.0));

    /// <summary>
    /// The two new ratings after <paramref name="winner"/> beat <paramref name="loser"/>. The winner's gain is rounded
    /// and the loser loses exactly that, so the total over the guild stays the same.
    /// </summary>
    public static (int Winner, int Loser) Apply(int winner, int loser)
    {
        var change = (int)Math.Round(K * (1 - Expected(winner, loser)), MidpointRounding.AwayFromZero);
        return (winner + change, loser - change);
    }
}
