namespace Serverless.Domain.Controls;

/// <summary>
/// A feature or command turned off by an operator, everywhere (<see cref="GuildId"/> null) or in one guild, until
/// turned back on or until <see cref="ExpiresAt"/>. Users who reach it get <see cref="Reason"/> in a polite ephemeral answer.
/// </summary>
public sealed record KillSwitch
{
    public required ControlTarget Target { get; init; }

    public ulong? GuildId { get; init; }

    /// <summary>Shown to users as written; operators write it for them.</summary>
    public required string Reason { get; init; }

    /// <summary>Who turned it off, as <see cref="ControlActor"/> formats it.</summary>
    public required string SetBy { get; init; }

    public required DateTimeOffset SetAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
