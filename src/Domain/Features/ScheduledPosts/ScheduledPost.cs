namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// One scheduled announcement of a guild. <see cref="NextRunAt"/> is the occurrence waiting to be published
/// (null once a one-off is published, failed or cancelled); <see cref="Anchor"/> is the first occurrence, which
/// daily and weekly repeats keep the local wall-clock time of.
/// </summary>
public sealed record ScheduledPost
{
    public required string Id { get; init; }

    public required ulong GuildId { get; init; }

    public required ulong ChannelId { get; init; }

    public required string Content { get; init; }

    public PostRecurrence Recurrence { get; init; } = PostRecurrence.None;

    /// <summary>The guild's IANA zone when the post was made; repeats are computed in it.</summary>
    public string TimeZone { get; init; } = "UTC";

    public required DateTimeOffset Anchor { get; init; }

    public DateTimeOffset? NextRunAt { get; init; }

    public PostStatus Status { get; init; } = PostStatus.Pending;

    /// <summary>Failed tries of the current occurrence.</summary>
    public int Attempts { get; init; }

    public string? LastError { get; init; }

    public required ulong CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastPublishedOccurrence { get; init; }

    public ulong? LastMessageId { get; init; }

    /// <summary>
    /// An occurrence handed to Discord whose outcome was never recorded (the answer, or the write after it, was
    /// lost): before it is sent again the publisher looks for it in the channel. Null once recorded.
    /// </summary>
    public UnconfirmedSend? UnconfirmedSend { get; init; }
}

/// <summary>An occurrence sent (perhaps) to Discord between <paramref name="FirstTriedAt"/> and <paramref name="LastTriedAt"/>, outcome unknown.</summary>
public sealed record UnconfirmedSend(DateTimeOffset Occurrence, DateTimeOffset FirstTriedAt, DateTimeOffset LastTriedAt);

/// <summary>Whether the publisher may send a claimed occurrence, and the earlier send of it whose outcome is unknown, if any.</summary>
/// <param name="MaySend">False when the post was cancelled, deleted or finished, or the occurrence published, meanwhile.</param>
public sealed record SendStart(bool MaySend, UnconfirmedSend? Earlier)
{
    public static SendStart Refused { get; } = new(false, null);
}

/// <summary>A due occurrence claimed by one timer run: whoever holds it publishes it, until its lease ends.</summary>
/// <param name="Due">The occurrence as scheduled (the claim's key); the publisher catches up from it to now.</param>
/// <param name="Attempt">1 + the failed tries of this occurrence; a claim taken again after its lease ran out is the same attempt.</param>
public sealed record PostClaim(ulong GuildId, string PostId, DateTimeOffset Due, int Attempt);

/// <summary>What one timer run did.</summary>
public sealed record ClaimRun(int Claimed, int SkippedLeased, int LostRaces);

/// <summary>The posts of a guild, their due index and the guild's schedule settings.</summary>
public interface IScheduledPostStore
{
    /// <summary>Stores a new post; false when a post with its id exists already, and then nothing is written.</summary>
    Task<bool> CreateAsync(ScheduledPost post, CancellationToken cancellationToken);

    Task<ScheduledPost?> GetAsync(ulong guildId, string postId, CancellationToken cancellationToken);

    /// <summary>Posts of one guild, or of every guild when <paramref name="guildId"/> is null (operators), newest first.</summary>
    Task<IReadOnlyList<ScheduledPost>> ListAsync(ulong? guildId, IReadOnlyCollection<PostStatus>? statuses, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="count"/> posts of one guild whose id sorts after <paramref name="afterId"/> (from the
    /// start when null), in id order: one bounded read, however many posts the guild keeps.
    /// </summary>
    Task<IReadOnlyList<ScheduledPost>> ListPageAsync(ulong guildId, string? afterId, int count, CancellationToken cancellationToken);

    /// <summary>
    /// How many of a guild's posts are not finished (pending, publishing or failed), counting no further than
    /// <paramref name="upTo"/>, so the read stays bounded.
    /// </summary>
    Task<int> CountActiveAsync(ulong guildId, int upTo, CancellationToken cancellationToken);

    /// <summary>Cancels a pending post; false when there is no such post or it is already finished.</summary>
    Task<bool> CancelAsync(ulong guildId, string postId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims occurrences due at <paramref name="now"/> (and ones whose lease ran out) with ETag-guarded writes, so
    /// two runs never claim one occurrence; <paramref name="onClaimed"/> enqueues each before the next is taken.
    /// </summary>
    Task<ClaimRun> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, Func<PostClaim, CancellationToken, Task> onClaimed, CancellationToken cancellationToken);

    /// <summary>
    /// The publisher is about to send <paramref name="occurrence"/>: <c>processing</c>, and the send noted as
    /// unconfirmed until <see cref="CompleteAsync"/> records it. Refused (and a cancelled or deleted post's claim
    /// dropped) when the post is no longer to be sent; the write is guarded by the ETag it read.
    /// </summary>
    Task<SendStart> BeginSendAsync(PostClaim claim, DateTimeOffset occurrence, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Drops the claim of a post that was cancelled or deleted, leaving the post as it is.</summary>
    Task ReleaseAsync(PostClaim claim, CancellationToken cancellationToken);

    /// <summary>
    /// The occurrence was published (or found already published): record its message, then schedule the next or
    /// finish. A cancelled post keeps its status and gets no next occurrence.
    /// </summary>
    Task CompleteAsync(PostClaim claim, DateTimeOffset occurrence, ulong messageId, DateTimeOffset? nextRunAt, CancellationToken cancellationToken);

    /// <summary>
    /// A failed try: retry at <paramref name="retryAt"/>, or (null) mark the post failed with <paramref name="failure"/>.
    /// A cancelled post stays cancelled, and one whose occurrence another try published stays as it is.
    /// </summary>
    Task FailAsync(PostClaim claim, string failure, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>Operators: back to pending, due now, attempts reset. False when the post is unknown or published/cancelled.</summary>
    Task<bool> RequeueAsync(ulong guildId, string postId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<string?> GetTimeZoneAsync(ulong guildId, CancellationToken cancellationToken);

    Task SetTimeZoneAsync(ulong guildId, string timeZone, CancellationToken cancellationToken);
}

/// <summary>Hands a claimed occurrence to the publisher (the <c>posts</c> queue).</summary>
public interface IPostPublishQueue
{
    Task EnqueueAsync(PostClaim claim, string correlationId, CancellationToken cancellationToken);
}
