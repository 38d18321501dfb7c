using System.Globalization;
using System.Text;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Raids;

/// <summary>A raid's progress message (projection <c>raids/progress:{raid id}/{guild}</c>).</summary>
public sealed class RaidProgressRenderer(IRaidStore store) : IProjectionRenderer
{
    public const string Subject = "progress";

    public string Feature => RaidsFeature.FeatureName;

    public string Kind => Subject;

    public static ProjectionKey KeyFor(ulong guildId, string raidId) => new(guildId, RaidsFeature.FeatureName, $"{Subject}:{raidId}");

    public async Task<ProjectionContent> RenderAsync(ProjectionKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var raidId = key.Subject.Split(':', 2) is [_, var id] ? id : "";
        if (raidId.Length == 0 || await store.GetAsync(key.GuildId, raidId, cancellationToken) is not { } raid)
        {
            return new ProjectionContent("This raid no longer exists.");
        }

        return RaidProgress.Render(raid, await store.ListMembersAsync(key.GuildId, raidId, cancellationToken));
    }
}

/// <summary>
/// The progress message's text from the raid and its members alone (no clock: the end time is a Discord timestamp that
/// clients show relative to their own now).
/// </summary>
public static class RaidProgress
{
    public const int BarWidth = 20;
    public const int MaxContributors = 10;

    public static ProjectionContent Render(Raid raid, IEnumerable<RaidMember> members)
    {
        ArgumentNullException.ThrowIfNull(raid);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**🐉 Raid: {Name(raid)}**\n");
        text.Append(CultureInfo.InvariantCulture, $"`{Bar(raid.Total, raid.Goal)}` {raid.Total:N0} / {raid.Goal:N0} ({Percent(raid.Total, raid.Goal)}%)\n");
        text.Append(raid.Status switch
        {
            RaidStatus.Active => $"Ends <t:{raid.EndsAt.ToUnixTimeSeconds()}:R>. Attack with `/raid attack`.",
            RaidStatus.Won => $"🏆 Won <t:{(raid.EndedAt ?? raid.EndsAt).ToUnixTimeSeconds()}:R>: the goal was reached.",
            RaidStatus.TimeRanOut => $"⌛ Time ran out <t:{raid.EndsAt.ToUnixTimeSeconds()}:R> before the goal.",
            _ => $"⏹️ Stopped by a moderator <t:{(raid.EndedAt ?? raid.EndsAt).ToUnixTimeSeconds()}:R>.",
        });
        var ranked = Ranked(members);
        if (ranked.Count > 0)
        {
            text.Append("\n**Top raiders**\n");
            foreach (var (member, place) in ranked.Take(MaxContributors).Select((member, index) => (member, index + 1)))
            {
                text.Append(CultureInfo.InvariantCulture, $"{place}. <@{member.UserId}> — {member.Damage:N0} ({member.Attacks} {(member.Attacks == 1 ? "attack" : "attacks")})\n");
            }

            if (ranked.Count > MaxContributors)
            {
                text.Append(CultureInfo.InvariantCulture, $"…and {ranked.Count - MaxContributors} more.");
            }
        }

        return new ProjectionContent(text.ToString().TrimEnd());
    }

    /// <summary>Most damage first; ties by user id so the order never flickers.</summary>
    public static IReadOnlyList<RaidMember> Ranked(IEnumerable<RaidMember> members) =>
        [.. members.Where(member => member.Damage > 0).OrderByDescending(member => member.Damage).ThenBy(member => member.UserId)];

    /// <summary><see cref="BarWidth"/> cells, full ones for the share of the goal reached (never more than all of them).</summary>
    public static string Bar(long total, long goal)
    {
        var filled = goal <= 0 ? BarWidth : (int)Math.Clamp(total * BarWidth / goal, 0, BarWidth);
        return new string('█', filled) + new string('░', BarWidth - filled);
    }

    /// <summary>Whole percent, rounded down and capped at 100, so 100% means the goal was reached.</summary>
    public static long Percent(long total, long goal) => goal <= 0 ? 100 : Math.Clamp(total * 100 / goal, 0, 100);

    /// <summary>The raid's name as people typed it, bounded, and unable to mention anyone even outside our messages.</summary>
    public static string Name(Raid raid)
    {
        ArgumentNullException.ThrowIfNull(raid);
        return ReplyText.Defuse(ReplyText.Shorten(raid.Name, RaidRules.MaxNameLength));
    }
}
