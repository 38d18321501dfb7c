namespace Serverless.Domain.Controls;

/// <summary>Whom a command limit counts: one user (across guilds) or one guild (all its members together).</summary>
public enum LimitSubjectKind
{
    User,
    Guild,
}

public readonly record struct LimitSubject(LimitSubjectKind Kind, ulong Id)
{
    /// <summary><c>user:ID</c> or <c>guild:ID</c>: the form storage keys, the CLI and the audit record use.</summary>
    public override string ToString() => (Kind == LimitSubjectKind.User ? "user:" : "guild:") + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A token bucket: up to <see cref="Capacity"/> commands at once, refilled evenly at <see cref="Capacity"/> per
/// <see cref="Per"/>. A capacity of zero refuses every command of the bucket.
/// </summary>
public readonly record struct LimitPolicy(int Capacity, TimeSpan Per);

/// <summary>An operator's replacement for the default <see cref="LimitPolicy"/> of one bucket (command group) for one subject.</summary>
public sealed record LimitOverride
{
    public required LimitSubject Subject { get; init; }

    /// <summary>The command group (bucket) the override applies to.</summary>
    public required string Bucket { get; init; }

    public required LimitPolicy Policy { get; init; }

    public required string Reason { get; init; }

    public required string SetBy { get; init; }

    public required DateTimeOffset SetAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}

/// <summary>What taking one token from a bucket decided: allowed, or refused until <see cref="RetryAt"/>.</summary>
public readonly record struct LimitDecision(bool Allowed, int Remaining, DateTimeOffset? RetryAt)
{
    public static LimitDecision Allow(int remaining) => new(true, remaining, null);

    public static LimitDecision Refuse(DateTimeOffset retryAt) => new(false, 0, retryAt);
}

/// <summary>One stored bucket, for <c>limits show</c>: its tokens as of <see cref="UpdatedAt"/>.</summary>
public sealed record LimitBucketState(LimitSubject Subject, string Bucket, double Tokens, DateTimeOffset UpdatedAt);

/// <summary>
/// The token buckets behind per-user and per-guild command limits, shared by every instance. Implementations are
/// safe under concurrent takes from several instances (ETag-guarded) and never throw for a storage failure on
/// <see cref="TryTakeAsync"/>: a limiter that cannot reach its store lets the command through (and logs), it does not
/// take the bot down.
/// </summary>
public interface ICommandLimitStore
{
    ValueTask<LimitDecision> TryTakeAsync(LimitSubject subject, string bucket, LimitPolicy policy, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Refills to full: every bucket of <paramref name="subject"/>, or only <paramref name="bucket"/> when given. Returns how many were reset.</summary>
    Task<int> ResetAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken);

    Task<IReadOnlyList<LimitBucketState>> ReadAsync(LimitSubject subject, CancellationToken cancellationToken);
}
