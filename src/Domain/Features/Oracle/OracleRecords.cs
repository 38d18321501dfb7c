namespace Serverless.Domain.Features.Oracle;

/// <summary>A guild's weekly slot: where and when (weekday and hour in the guild's zone) its prompt goes out.</summary>
public sealed record OracleSetup(ulong GuildId, ulong ChannelId, DayOfWeek Day, int Hour)
{
    public string? ETag { get; init; }
}

/// <summary>
/// A guild's prompt for one week: the claim the publisher writes once (insert-only), with the prompt chosen then, and
/// whether its message was placed.
/// </summary>
public sealed record OracleEdition(ulong GuildId, OracleWeek Week, string Prompt, ulong ChannelId, DateTimeOffset ClaimedAt)
{
    public bool Placed { get; init; }

    public string? ETag { get; init; }
}

/// <summary>A member's answer to one week's prompt; a second answer replaces the first.</summary>
public sealed record OracleAnswer(ulong GuildId, OracleWeek Week, ulong UserId, string Text, DateTimeOffset AnsweredAt)
{
    public string? ETag { get; init; }
}
