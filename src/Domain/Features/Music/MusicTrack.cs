namespace Serverless.Domain.Features.Music;

/// <summary>
/// One entry of a guild's queue. <see cref="Encoded"/> is Lavalink's opaque track string (what a player is given to
/// play it); the other fields are what the queue and the now-playing message show, so nothing has to be decoded.
/// </summary>
public sealed record MusicTrack
{
    public required string Encoded { get; init; }

    public required string Title { get; init; }

    public required string Author { get; init; }

    /// <summary>Zero or meaningless for a stream.</summary>
    public TimeSpan Length { get; init; }

    public string? Uri { get; init; }

    public bool IsStream { get; init; }

    /// <summary>Who asked for it: shown as a mention that never pings, and sent to Lavalink as the track's user data.</summary>
    public ulong RequesterId { get; init; }

    /// <summary>
    /// Unique within its session (the same song queued twice gets two ids): the shuffle-undo snapshot refers to
    /// entries by it. Assigned by <see cref="MusicSession.Enqueue"/>.
    /// </summary>
    public long EntryId { get; init; }

    /// <summary>About how many characters this entry takes when stored; <see cref="MusicSession"/> budgets on it.</summary>
    public int StoredSize => Encoded.Length + Title.Length + Author.Length + (Uri?.Length ?? 0) + PerEntryOverhead;

    /// <summary>Property names, numbers and punctuation of one stored entry, generously rounded up.</summary>
    internal const int PerEntryOverhead = 160;
}
