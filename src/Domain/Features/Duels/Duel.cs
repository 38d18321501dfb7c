namespace Serverless.Domain.Features.Duels;

public enum DuelStatus
{
    /// <summary>Waiting for the challenged member to accept or decline.</summary>
    Challenged,
    Declined,
    Expired,

    /// <summary>Accepted: both sides report the result.</summary>
    Accepted,

    /// <summary>The two reports disagree: a moderator settles it.</summary>
    Disputed,
    Settled,
}

/// <summary>One duel between two members of a guild, from challenge to result. Stored in table <c>duels</c>.</summary>
public sealed record Duel
{
    public required ulong GuildId { get; init; }

    public required string Id { get; init; }

    public required ulong ChallengerId { get; init; }

    public required ulong OpponentId { get; init; }

    public required DuelStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>An unanswered challenge expires then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>What the challenger reported: true "I won", false "I lost", null not yet.</summary>
    public bool? ChallengerWon { get; init; }

    /// <summary>What the opponent reported, from the opponent's side.</summary>
    public bool? OpponentWon { get; init; }

    public ulong? WinnerId { get; init; }

    /// <summary>Who settled a disputed duel.</summary>
    public ulong? SettledBy { get; init; }

    /// <summary>The rating change the result made (the winner's gain, the loser's loss).</summary>
    public int? RatingChange { get; init; }

    public string? ETag { get; init; }

    public bool IsParticipant(ulong userId) => userId == ChallengerId || userId == OpponentId;

    public ulong? LoserId => WinnerId is { } winner ? (winner == ChallengerId ? OpponentId : ChallengerId) : null;
}

/// <summary>A member's standing in a guild's duels.</summary>
public sealed record PlayerRating(ulong GuildId, ulong UserId, int Rating, int Wins, int Losses)
{
    public string? ETag { get; init; }

    public static PlayerRating Start(ulong guildId, ulong userId) => new(guildId, userId, Elo.StartRating, 0, 0);
}
