using System.Globalization;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.Duels;

/// <summary>
/// The duel's message in each state, with the buttons that state takes. Members appear as <c>&lt;@id&gt;</c>, which
/// Discord shows as names; answers go out with no allowed mentions, so nobody is pinged.
/// </summary>
public static class DuelText
{
    public const string Prefix = "duel:";
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Won = "won";
    public const string Lost = "lost";

    /// <summary>A moderator's decision: <c>settle-c</c> the challenger won, <c>settle-o</c> the opponent did.</summary>
    public const string SettleChallenger = "settle-c";
    public const string SettleOpponent = "settle-o";

    public static string CustomId(string action, Duel duel)
    {
        ArgumentNullException.ThrowIfNull(duel);
        return $"{Prefix}{action}:{duel.Id}";
    }

    /// <summary>The action and duel id of a clicked custom_id, or false when it is not one of ours.</summary>
    public static bool TryParse(string? customId, out string action, out string duelId)
    {
        action = duelId = "";
        if (customId is null || !customId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = customId[Prefix.Length..].Split(':');
        if (parts is not [var a, var id] || a.Length == 0 || id.Length == 0)
        {
            return false;
        }

        (action, duelId) = (a, id);
        return true;
    }

    public static CommandReply Message(Duel duel)
    {
        ArgumentNullException.ThrowIfNull(duel);
        var (challenger, opponent) = (User(duel.ChallengerId), User(duel.OpponentId));
        return duel.Status switch
        {
            DuelStatus.Challenged => Reply(
                $"⚔️ {challenger} challenges {opponent} to a duel. {opponent}, accept or decline before <t:{duel.ExpiresAt.ToUnixTimeSeconds()}:t>.",
                new ReplyButton(CustomId(Accept, duel), "Accept", ReplyButtonStyle.Success),
                new ReplyButton(CustomId(Decline, duel), "Decline", ReplyButtonStyle.Danger)),
            DuelStatus.Declined => Reply($"{opponent} declined {challenger}'s duel."),
            DuelStatus.Expired => Reply($"{challenger}'s challenge to {opponent} expired."),
            DuelStatus.Accepted => Reply(
                $"⚔️ {challenger} vs {opponent}: accepted. When it is over, both of you report the result.{Reports(duel)}",
                new ReplyButton(CustomId(Won, duel), "I won", ReplyButtonStyle.Success),
                new ReplyButton(CustomId(Lost, duel), "I lost", ReplyButtonStyle.Secondary)),
            DuelStatus.Disputed => Reply(
                $"⚔️ {challenger} vs {opponent}: the reports disagree.{Reports(duel)} A moderator settles it.",
                new ReplyButton(CustomId(SettleChallenger, duel), "Moderator: challenger won", ReplyButtonStyle.Primary),
                new ReplyButton(CustomId(SettleOpponent, duel), "Moderator: opponent won", ReplyButtonStyle.Primary)),
            _ => Reply(Settled(duel)),
        };
    }

    private static string Settled(Duel duel)
    {
        var change = duel.RatingChange?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var by = duel.SettledBy is { } moderator ? $" (settled by {User(moderator)})" : "";
        return $"🏆 {User(duel.WinnerId ?? 0)} beat {User(duel.LoserId ?? 0)}{by}: +{change} / -{change} rating.";
    }

    private static string Reports(Duel duel)
    {
        var parts = new List<string>();
        if (duel.ChallengerWon is { } challengerWon)
        {
            parts.Add($"{User(duel.ChallengerId)} reported {(challengerWon ? "a win" : "a loss")}");
        }

        if (duel.OpponentWon is { } opponentWon)
        {
            parts.Add($"{User(duel.OpponentId)} reported {(opponentWon ? "a win" : "a loss")}");
        }

        return parts.Count == 0 ? "" : " " + string.Join("; ", parts) + ".";
    }

    public static string User(ulong id) => ReplyText.Mention(id);

    private static CommandReply Reply(string content, params ReplyButton[] buttons) => new(content, Ephemeral: false) { Buttons = buttons };
}
