using System.Globalization;
using System.Text;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Duels;

/// <summary>The guild's duel scoreboard (projection <c>duels/scoreboard/{guild}</c>): the top players by rating.</summary>
public sealed class DuelScoreboardRenderer(IDuelStore store) : IProjectionRenderer
{
    public const string Subject = "scoreboard";

    public string Feature => DuelsFeature.FeatureName;

    public string Kind => Subject;

    public static ProjectionKey KeyFor(ulong guildId) => new(guildId, DuelsFeature.FeatureName, Subject);

    public async Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DuelScoreboard.Render(await store.ListRatingsAsync(key.GuildId, cancellationToken));
    }
}

/// <summary>The scoreboard's text from the ratings alone, so the same ratings always give the same message.</summary>
public static class DuelScoreboard
{
    public const int MaxRows = 15;

    /// <summary>Highest rating first; ties by more wins, then by user id so the order never flickers.</summary>
    public static IReadOnlyList<PlayerRating> Ranked(IEnumerable<PlayerRating> ratings) =>
        [.. ratings.OrderByDescending(rating => rating.Rating).ThenByDescending(rating => rating.Wins).ThenBy(rating => rating.UserId)];

    public static ProjectionContent Render(IEnumerable<PlayerRating> ratings)
    {
        var ranked = Ranked(ratings);
        var text = new StringBuilder("**⚔️ Duel scoreboard**\n");
        if (ranked.Count == 0)
        {
            text.Append("No duels settled yet. Challenge someone with `/duel challenge`.");
            return new ProjectionContent(text.ToString());
        }

        foreach (var (rating, place) in ranked.Take(MaxRows).Select((rating, index) => (rating, index + 1)))
        {
            text.Append(CultureInfo.InvariantCulture, $"{place}. {DuelText.User(rating.UserId)} — {rating.Rating} ({rating.Wins}W {rating.Losses}L)\n");
        }

        if (ranked.Count > MaxRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"…and {ranked.Count - MaxRows} more.");
        }

        return new ProjectionContent(text.ToString().TrimEnd());
    }
}
