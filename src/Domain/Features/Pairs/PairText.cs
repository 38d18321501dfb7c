using System.Globalization;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// The pair's custom_ids (<c>pair:{action}:{id}</c>), its invite message and its home panel's key. Members appear as
/// <c>&lt;@id&gt;</c>; everything goes out with no allowed mentions, so nobody is pinged.
/// </summary>
public static class PairText
{
    public const string Prefix = "pair:";
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string CheckIn = "checkin";

    /// <summary>The projection kind of a pair's panel: <c>pairs/home:{pairId}/{guild}</c>.</summary>
    public const string HomeKind = "home";

    public static ProjectionKey HomeKey(ulong guildId, string pairId) => new(guildId, PairsFeature.FeatureName, $"{HomeKind}:{pairId}");

    public static string CustomId(string action, string pairId) => $"{Prefix}{action}:{pairId}";

    /// <summary>The action and pair id of a clicked custom_id, or false when it is not one of ours.</summary>
    public static bool TryParse(string? customId, out string action, out string pairId)
    {
        action = pairId = "";
        if (customId is null || !customId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (customId[Prefix.Length..].Split(':') is not [{ Length: > 0 } a, { Length: > 0 } id] || !id.All(char.IsAsciiDigit))
        {
            return false;
        }

        (action, pairId) = (a, id);
        return true;
    }

    /// <summary>The invite's message in each state.</summary>
    public static CommandReply Invite(Pair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var (inviter, invitee) = (User(pair.InviterId), User(pair.InviteeId));
        return pair.Status switch
        {
            PairStatus.Invited => new CommandReply(
                $"🤝 {inviter} invites {invitee} to pair up: check in every day and keep a streak together. {invitee}, answer before <t:{pair.ExpiresAt.ToUnixTimeSeconds()}:f>.",
                Ephemeral: false)
            {
                Buttons =
                [
                    new ReplyButton(CustomId(Accept, pair.Id), "Accept", ReplyButtonStyle.Success),
                    new ReplyButton(CustomId(Decline, pair.Id), "Decline", ReplyButtonStyle.Danger),
                ],
            },
            PairStatus.Declined => new CommandReply($"{invitee} declined {inviter}'s pair invite.", Ephemeral: false) { Buttons = [] },
            PairStatus.Ended => new CommandReply($"{inviter}'s pair invite to {invitee} was withdrawn.", Ephemeral: false) { Buttons = [] },
            _ => new CommandReply($"🤝 {inviter} and {invitee} are now a pair. Check in every day with `/pair checkin` or the panel's button.", Ephemeral: false) { Buttons = [] },
        };
    }

    public static string User(ulong id) => ReplyText.Mention(id);
}
