using System.Globalization;
using System.Text;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Hall;

/// <summary>One source's entries for a month, best first.</summary>
public sealed record HallSection(string Category, string Title, string Unit, IReadOnlyList<MonthlyStanding> Ranked);

/// <summary>What the hall shows for a month: every source's section (by category) and the raids that ended in it.</summary>
public sealed record HallMonth(GuildMonth Month, IReadOnlyList<HallSection> Sections, IReadOnlyList<Raid> EndedRaids)
{
    public bool IsQuiet => Sections.All(section => section.Ranked.Count == 0) && EndedRaids.Count == 0;
}

/// <summary>The hall's two messages, the live standings and a month's archive, from a <see cref="HallMonth"/> alone.</summary>
public static class HallBoard
{
    public const int TopStandings = 5;
    public const int TopArchived = 3;
    public const int MaxRaids = 10;

    /// <summary>Highest score first; ties by the members' ids so the order never flickers.</summary>
    public static IReadOnlyList<MonthlyStanding> Ranked(IEnumerable<MonthlyStanding> standings) =>
        [.. standings.Where(standing => standing.Score > 0)
            .OrderByDescending(standing => standing.Score)
            .ThenBy(standing => string.Join(',', standing.MemberIds.Select(id => id.ToString("D20", CultureInfo.InvariantCulture))), StringComparer.Ordinal)];

    public static ProjectionContent Standings(HallMonth month)
    {
        ArgumentNullException.ThrowIfNull(month);
        var text = new StringBuilder($"**🏛️ Hall — {month.Month.DisplayName}**\n");
        if (month.IsQuiet)
        {
            text.Append("Nothing yet this month: duels, raids and more count here.");
            return new ProjectionContent(text.ToString());
        }

        Append(text, month, TopStandings);
        return new ProjectionContent(text.ToString().TrimEnd());
    }

    /// <summary>The month's hall of fame, posted once when it ends.</summary>
    public static string Archive(HallMonth month)
    {
        ArgumentNullException.ThrowIfNull(month);
        var text = new StringBuilder($"**🏆 Hall of fame — {month.Month.DisplayName}**\n");
        Append(text, month, TopArchived);
        return new ProjectionContent(text.ToString().TrimEnd()).Text;
    }

    private static void Append(StringBuilder text, HallMonth month, int top)
    {
        foreach (var section in month.Sections.Where(section => section.Ranked.Count > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n**{section.Title}**\n");
            foreach (var (standing, place) in section.Ranked.Take(top).Select((standing, index) => (standing, index + 1)))
            {
                var who = string.Join(" & ", standing.MemberIds.Select(ReplyText.Mention));
                text.Append(CultureInfo.InvariantCulture, $"{Medal(place)} {who} — {standing.Score:N0} {section.Unit}\n");
            }
        }

        if (month.EndedRaids.Count > 0)
        {
            text.Append("\n**Raids**\n");
            foreach (var raid in month.EndedRaids.Take(MaxRaids))
            {
                text.Append(CultureInfo.InvariantCulture, $"{Outcome(raid.Status)} {RaidProgress.Name(raid)} — {raid.Total:N0} / {raid.Goal:N0}\n");
            }

            if (month.EndedRaids.Count > MaxRaids)
            {
                text.Append(CultureInfo.InvariantCulture, $"…and {month.EndedRaids.Count - MaxRaids} more.\n");
            }
        }
    }

    private static string Medal(int place) => place switch
    {
        1 => "🥇",
        2 => "🥈",
        3 => "🥉",
        _ => string.Create(CultureInfo.InvariantCulture, $"{place}."),
    };

    private static string Outcome(RaidStatus status) => status switch
    {
        RaidStatus.Won => "🏆 won:",
        RaidStatus.TimeRanOut => "⌛ time ran out:",
        _ => "⏹️ stopped:",
    };
}
