namespace Serverless.Domain.Projections;

/// <summary>What a refresh does after Discord refused a call on the projection's message.</summary>
public enum RefusalAction
{
    /// <summary>Transient (5xx, 429, network): the queue delivers the refresh again.</summary>
    Retry,

    /// <summary>The message is gone (10008): post a new one.</summary>
    Recreate,

    /// <summary>The channel is gone or not writable (10003, 50001, 50013): stop, mark the projection broken, tell the log channel.</summary>
    Break,

    /// <summary>Edits to this old message are limited (30046): try again later.</summary>
    BackOff,

    /// <summary>Edits stayed refused: post a fresh message and delete the old one.</summary>
    Repost,
}

/// <summary>The projections' pure decisions: when a change queues a refresh, and what a refused call leads to.</summary>
public static class ProjectionRefreshPolicy
{
    public const int UnknownChannel = 10003;
    public const int UnknownMessage = 10008;
    public const int EditsLimited = 30046;
    public const int MissingAccess = 50001;
    public const int MissingPermissions = 50013;

    /// <summary>
    /// Whether a change must queue a refresh: not when one is queued and not yet overdue (it will render this change
    /// too); yes when none is, or the queued one is past its due time plus the grace (lost).
    /// </summary>
    public static bool ShouldEnqueue(DateTimeOffset? refreshPendingUntil, DateTimeOffset now) =>
        refreshPendingUntil is not { } pending || pending <= now;

    /// <summary>
    /// How long a refresh queued now waits: the coalescing window, or longer when the message was last shown less than
    /// <see cref="ProjectionOptions.MinEditInterval"/> ago.
    /// </summary>
    public static TimeSpan RefreshDelay(DateTimeOffset now, DateTimeOffset? publishedAt, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Max(options.CoalesceWindow, EditWait(now, publishedAt, options));
    }

    /// <summary>How long until the message may be edited again (zero when it may be now or was never shown).</summary>
    public static TimeSpan EditWait(DateTimeOffset now, DateTimeOffset? publishedAt, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return publishedAt is { } shown ? Max(TimeSpan.Zero, shown + options.MinEditInterval - now) : TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;

    /// <summary>Until when a refresh queued now counts as pending.</summary>
    public static DateTimeOffset PendingUntil(DateTimeOffset now, TimeSpan delay, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return now + delay + options.PendingGrace;
    }

    /// <param name="editRefusals">Refusals with 30046 in a row before this one.</param>
    public static RefusalAction OnRefused(int? errorCode, int status, int editRefusals, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return errorCode switch
        {
            UnknownMessage => RefusalAction.Recreate,
            UnknownChannel or MissingAccess or MissingPermissions => RefusalAction.Break,
            EditsLimited => editRefusals + 1 > options.EditRefusedRetries ? RefusalAction.Repost : RefusalAction.BackOff,
            _ when status == 404 => RefusalAction.Recreate,
            _ when status == 403 => RefusalAction.Break,
            _ => RefusalAction.Retry,
        };
    }

    /// <summary>The wait before the next try after the <paramref name="editRefusals"/>-th refusal in a row (1 = first): doubling, at most 10 minutes.</summary>
    public static TimeSpan EditBackoff(int editRefusals, ProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factor = Math.Pow(2, Math.Clamp(editRefusals - 1, 0, 10));
        return TimeSpan.FromTicks((long)Math.Min(options.EditRefusedBackoff.Ticks * factor, TimeSpan.FromMinutes(10).Ticks));
    }

    /// <summary>A create's nonce (at most 25 characters): the same for retries of one message, new for the next.</summary>
    public static string Nonce(ProjectionKey key, int generation)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.ToString())));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{hash[..16]}{generation % 1_000_000:D6}");
    }
}
