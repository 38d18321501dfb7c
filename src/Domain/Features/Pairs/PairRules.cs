namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// The outcome of one act on a pair: the pair as it is now (<see cref="Changed"/> when it must be written), whether a
/// check-in completed a counted day, and a refusal to show the member when nothing changed.
/// </summary>
public sealed record PairStep(Pair Pair, bool Changed, bool DayCounted, string? Refusal)
{
    public static PairStep To(Pair pair, bool dayCounted = false) => new(pair, Changed: true, dayCounted, Refusal: null);

    public static PairStep Refuse(Pair pair, string refusal) => new(pair, Changed: false, DayCounted: false, refusal);
}

/// <summary>
/// Pairs' rules. Pure: the handlers read, ask here, and write with the rows' ETags. Days are the guild's local dates
/// (<see cref="Community.GuildCalendar.LocalDate"/>), compared as dates, never as 24-hour spans, so a DST day of 23 or
/// 25 hours and a change of the guild's zone neither break a streak nor count a day twice.
/// A member is in one pair at a time (a pending invite counts, until it expires or is answered).
/// </summary>
public static class PairRules
{
    public static Pair Invite(ulong guildId, string id, ulong inviterId, ulong inviteeId, DateTimeOffset now, TimeSpan timeout) => new()
    {
        GuildId = guildId,
        Id = id,
        InviterId = inviterId,
        InviteeId = inviteeId,
        Status = PairStatus.Invited,
        CreatedAt = now,
        ExpiresAt = now + timeout,
    };

    /// <summary>Why <paramref name="inviterId"/> may not invite <paramref name="inviteeId"/>, given the pairs each is in now; or null.</summary>
    public static string? InviteRefusal(ulong inviterId, ulong inviteeId, Pair? inviterPair, Pair? inviteePair, DateTimeOffset now) =>
        inviteeId == 0 ? "Name the member to pair with."
        : inviteeId == inviterId ? "You can't pair with yourself."
        : inviterPair is { } own && own.HoldsMembers(now) ? own.Status == PairStatus.Active
            ? "You're already in a pair. `/pair leave` first; a member is in one pair at a time."
            : "You already have a pending pair invite. Wait for it to be answered or to expire, or `/pair leave` to withdraw it."
        : inviteePair is { } theirs && theirs.HoldsMembers(now) ? theirs.Status == PairStatus.Active
            ? "That member is already in a pair; a member is in one pair at a time."
            : "That member already has a pending pair invite."
        : null;

    public static PairStep Accept(Pair pair, ulong userId, DateTimeOffset now) => Answer(pair, userId, now, accept: true);

    public static PairStep Decline(Pair pair, ulong userId, DateTimeOffset now) => Answer(pair, userId, now, accept: false);

    private static PairStep Answer(Pair pair, ulong userId, DateTimeOffset now, bool accept)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (pair.Status != PairStatus.Invited)
        {
            return PairStep.Refuse(pair, "This invite was already answered.");
        }

        if (userId != pair.InviteeId)
        {
            return PairStep.Refuse(pair, "Only the invited member can answer this invite.");
        }

        if (now >= pair.ExpiresAt)
        {
            return PairStep.Refuse(pair, "This invite has expired; ask for a new one.");
        }

        return PairStep.To(accept
            ? pair with { Status = PairStatus.Active, FormedAt = now }
            : pair with { Status = PairStatus.Declined, EndedAt = now, EndedBy = userId });
    }

    /// <summary>Dissolves the pair (or withdraws a pending invite); its history stays.</summary>
    public static PairStep Leave(Pair pair, ulong userId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (!pair.IsMember(userId) || !pair.HoldsMembers(now))
        {
            return PairStep.Refuse(pair, "You're not in a pair.");
        }

        return PairStep.To(pair with { Status = PairStatus.Ended, EndedAt = now, EndedBy = userId });
    }

    /// <summary>
    /// A member's check-in on the local <paramref name="day"/>: once per member per day. The check-in that makes both
    /// members' day counts it: the streak goes on when the previous counted day was the day before, else starts at 1.
    /// A day at or before the member's last (a replay, or the zone moved the date back) changes nothing.
    /// </summary>
    public static PairStep CheckIn(Pair pair, ulong userId, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (!pair.IsMember(userId) || pair.Status != PairStatus.Active)
        {
            return PairStep.Refuse(pair, "You're not in a pair. Invite someone with `/pair invite`.");
        }

        var isInviter = userId == pair.InviterId;
        var own = isInviter ? pair.InviterLastDay : pair.InviteeLastDay;
        if (own is { } last && last >= day)
        {
            return PairStep.Refuse(pair, $"You already checked in for {Format(last)}. Come back tomorrow.");
        }

        var checkedIn = isInviter ? pair with { InviterLastDay = day } : pair with { InviteeLastDay = day };
        checkedIn = checkedIn with { Recent = [new PairCheckIn(userId, day), .. pair.Recent.Take(Pair.RecentKept - 1)] };
        var partner = isInviter ? pair.InviteeLastDay : pair.InviterLastDay;
        if (partner != day)
        {
            return PairStep.To(checkedIn);
        }

        var streak = pair.LastCountedDay is { } previous && previous.AddDays(1) == day ? pair.CurrentStreak + 1 : 1;
        return PairStep.To(
            checkedIn with
            {
                CurrentStreak = streak,
                BestStreak = Math.Max(pair.BestStreak, streak),
                TotalDays = pair.TotalDays + 1,
                LastCountedDay = day,
            },
            dayCounted: true);
    }

    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
