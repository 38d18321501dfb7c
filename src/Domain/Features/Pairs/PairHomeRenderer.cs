using System.Text;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// A pair's panel (<c>pairs/home:{pairId}/{guild}</c>): its members, streak as of the last counted day, best streak,
/// days together, the latest check-ins, and a Check in button while the pair lasts. Stored state only, no clock: the
/// streak says which day it counts up to rather than guessing whether today broke it.
/// </summary>
public sealed class PairHomeRenderer(IPairStore store) : IProjectionRenderer
{
    public string Feature => PairsFeature.FeatureName;

    public string Kind => PairText.HomeKind;

    public async Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pairId = key.Subject.Split(':', 2) is [_, var id] ? id : "";
        return await store.GetAsync(key.GuildId, pairId, cancellationToken) is { } pair
            ? Render(pair)
            : new ProjectionContent("This pair no longer exists.");
    }

    public static ProjectionContent Render(Pair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var text = new StringBuilder();
        text.Append("🤝 **Pair: ").Append(PairText.User(pair.InviterId)).Append(" & ").Append(PairText.User(pair.InviteeId)).Append("**\n");
        if (pair.Status != PairStatus.Active)
        {
            text.Append("This pair has ended").Append(pair.EndedAt is { } ended ? $" (<t:{ended.ToUnixTimeSeconds()}:d>)" : "").Append(".\n");
        }

        text.Append(pair.LastCountedDay is { } last
            ? $"🔥 Streak: {pair.CurrentStreak} day{Plural(pair.CurrentStreak)} (as of {PairRules.Format(last)})\n"
            : "🔥 Streak: none yet — a day counts when both of you check in on it.\n");
        text.Append($"🏅 Best streak: {pair.BestStreak} · 📅 Days together: {pair.TotalDays}\n");
        if (pair.Recent.Count > 0)
        {
            text.Append("\nLatest check-ins:\n");
            foreach (var checkIn in pair.Recent.Take(Pair.RecentKept))
            {
                text.Append("• ").Append(PairRules.Format(checkIn.Day)).Append(" — ").Append(PairText.User(checkIn.UserId)).Append('\n');
            }
        }

        IReadOnlyList<ReplyButton> buttons = pair.Status == PairStatus.Active
            ? [new ReplyButton(PairText.CustomId(PairText.CheckIn, pair.Id), "Check in", ReplyButtonStyle.Success)]
            : [];
        return new ProjectionContent(text.ToString().TrimEnd(), buttons);
    }

    private static string Plural(int count) => count == 1 ? "" : "s";
}
