namespace Serverless.Domain.Features.Duels;

/// <summary>
/// The outcome of one click on a duel: the duel as it is now (<see cref="Changed"/> when it must be written), and a
/// refusal to show only the member who clicked, when the click changed nothing for them.
/// </summary>
public sealed record DuelStep(Duel Duel, bool Changed, string? Refusal)
{
    public static DuelStep To(Duel duel) => new(duel, Changed: true, Refusal: null);

    public static DuelStep Refuse(Duel duel, string refusal) => new(duel, Changed: false, refusal);
}

/// <summary>
/// The duel's state machine: who may do what in which state. Pure: the handler reads the duel, asks here, and writes
/// the result with the row's ETag, so a replayed click finds the state already moved on and changes nothing.
/// </summary>
public static class DuelRules
{
    public static Duel Challenge(ulong guildId, string id, ulong challengerId, ulong opponentId, DateTimeOffset now, TimeSpan timeout) => new()
    {
        GuildId = guildId,
        Id = id,
        ChallengerId = challengerId,
        OpponentId = opponentId,
        Status = DuelStatus.Challenged,
        CreatedAt = now,
        ExpiresAt = now + timeout,
    };

    /// <summary>Why <paramref name="challengerId"/> may not challenge <paramref name="opponentId"/>, or null.</summary>
    public static string? ChallengeRefusal(ulong challengerId, ulong opponentId) =>
        opponentId == 0 ? "Name the member to challenge."
        : opponentId == challengerId ? "You can't duel yourself."
        : null;

    public static DuelStep Accept(Duel duel, ulong userId, DateTimeOffset now) => Answer(duel, userId, now, DuelStatus.Accepted);

    public static DuelStep Decline(Duel duel, ulong userId, DateTimeOffset now) => Answer(duel, userId, now, DuelStatus.Declined);

    /// <summary>A participant's report: <paramref name="won"/> from their side. Two agreeing reports settle the duel.</summary>
    public static DuelStep Report(Duel duel, ulong userId, bool won)
    {
        ArgumentNullException.ThrowIfNull(duel);
        if (!duel.IsParticipant(userId))
        {
            return DuelStep.Refuse(duel, "Only the two duelists report the result.");
        }

        if (duel.Status is not (DuelStatus.Accepted or DuelStatus.Disputed))
        {
            return DuelStep.Refuse(duel, StateRefusal(duel));
        }

        var isChallenger = userId == duel.ChallengerId;
        var earlier = isChallenger ? duel.ChallengerWon : duel.OpponentWon;
        if (earlier is not null)
        {
            return DuelStep.Refuse(duel, earlier == won ? "You already reported that." : "You already reported the other result; a moderator can settle it.");
        }

        var next = isChallenger ? duel with { ChallengerWon = won } : duel with { OpponentWon = won };
        if (next.ChallengerWon is not { } challengerWon || next.OpponentWon is not { } opponentWon)
        {
            return DuelStep.To(next);
        }

        // Agreement is one winning and one losing: "I won" from both (or "I lost" from both) is a dispute.
        return DuelStep.To(challengerWon != opponentWon
            ? next with { Status = DuelStatus.Settled, WinnerId = challengerWon ? duel.ChallengerId : duel.OpponentId }
            : next with { Status = DuelStatus.Disputed });
    }

    /// <summary>A moderator settles a disputed duel for <paramref name="winnerId"/>.</summary>
    public static DuelStep Settle(Duel duel, ulong moderatorId, bool mayModerate, ulong winnerId)
    {
        ArgumentNullException.ThrowIfNull(duel);
        if (!mayModerate)
        {
            return DuelStep.Refuse(duel, "Only moderators (Manage Messages or Manage Server) can settle a duel.");
        }

        if (duel.Status != DuelStatus.Disputed)
        {
            return DuelStep.Refuse(duel, StateRefusal(duel));
        }

        if (!duel.IsParticipant(winnerId))
        {
            return DuelStep.Refuse(duel, "That member is not in this duel.");
        }

        return DuelStep.To(duel with { Status = DuelStatus.Settled, WinnerId = winnerId, SettledBy = moderatorId });
    }

    private static DuelStep Answer(Duel duel, ulong userId, DateTimeOffset now, DuelStatus answer)
    {
        ArgumentNullException.ThrowIfNull(duel);
        if (userId != duel.OpponentId)
        {
            return DuelStep.Refuse(duel, "Only the challenged member can answer this challenge.");
        }

        if (duel.Status != DuelStatus.Challenged)
        {
            return DuelStep.Refuse(duel, StateRefusal(duel));
        }

        // The click that finds the challenge past its time ends it, and the message says so.
        return now >= duel.ExpiresAt
            ? DuelStep.To(duel with { Status = DuelStatus.Expired })
            : DuelStep.To(duel with { Status = answer });
    }

    private static string StateRefusal(Duel duel) => duel.Status switch
    {
        DuelStatus.Challenged => "This challenge has not been accepted yet.",
        DuelStatus.Declined => "This challenge was declined.",
        DuelStatus.Expired => "This challenge expired.",
        DuelStatus.Accepted => "This duel is waiting for both results, not for a moderator.",
        DuelStatus.Disputed => "This duel is waiting for a moderator.",
        _ => "This duel is already settled.",
    };
}
