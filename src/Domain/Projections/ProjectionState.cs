namespace Serverless.Domain.Projections;

/// <summary>
/// A projection's row: where its message lives, which version of the feature's state it shows, and whether a refresh
/// is on its way. <see cref="Version"/> rises with every change the feature reports; <see cref="PublishedVersion"/> is
/// the version the message showed after the last refresh. Writes are guarded by <see cref="ETag"/>.
/// </summary>
public sealed record ProjectionState
{
    public required ProjectionKey Key { get; init; }

    /// <summary>Where the message is posted; null until the feature (or its moderators) configure it.</summary>
    public ulong? ChannelId { get; init; }

    public ulong? MessageId { get; init; }

    public long Version { get; init; }

    public long PublishedVersion { get; init; }

    public string? PublishedHash { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>
    /// When the first change not yet shown arrived (set by the change that made a current projection dirty, kept while
    /// more arrive); null while the message shows everything. Publish time minus this is the dashboard's staleness.
    /// </summary>
    public DateTimeOffset? DirtySince { get; init; }

    /// <summary>A refresh is queued and due before this; while it lies ahead, changes only bump the version.</summary>
    public DateTimeOffset? RefreshPendingUntil { get; init; }

    /// <summary>Bumped for every new message, so the create's nonce differs from the one before (Discord remembers nonces for minutes).</summary>
    public int Generation { get; init; }

    /// <summary>A refresher is posting the message until this time; others leave it alone.</summary>
    public DateTimeOffset? CreatingUntil { get; init; }

    /// <summary>How many refreshes in a row Discord refused the edit with 30046.</summary>
    public int EditRefusals { get; init; }

    /// <summary>Why refreshing stopped (channel gone or not writable); cleared when the channel is set again or on rebuild.</summary>
    public string? BrokenReason { get; init; }

    /// <summary>Where a note goes when the projection breaks: the guild's log channel, if configured.</summary>
    public ulong? LogChannelId { get; init; }

    public string? ETag { get; init; }

    public bool IsCurrent => PublishedVersion >= Version && MessageId is not null;
}
