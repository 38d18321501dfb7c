namespace Serverless.Domain.Features.Music;

/// <summary>
/// One guild's music: the track playing now, the tracks after it, how it plays (volume, paused, position), where
/// (voice channel, and the text channel the now-playing message lives in) and the shuffle-undo snapshot. Played
/// tracks are dropped, so the queue is "now" plus "up next". Pure state and rules: callers persist it through
/// <see cref="IMusicSessionStore"/> after every change, and drive Lavalink themselves.
/// </summary>
public sealed class MusicSession
{
    /// <summary>Tracks held at once, the one playing included. A playlist that would go past it is cut.</summary>
    public const int MaxTracks = 500;

    /// <summary>
    /// Characters of track data held at once (see <see cref="MusicTrack.StoredSize"/>): the session is stored in one
    /// table row, and Azure Tables allows 1 MiB per row (UTF-16, so ~500,000 characters). Long titles and large
    /// encoded tracks can reach this before <see cref="MaxTracks"/>.
    /// </summary>
    public const int MaxStoredTrackCharacters = 400_000;

    public const int PageSize = 10;

    private readonly List<MusicTrack> _upcoming = [];
    private List<long>? _shuffleUndo;

    public MusicSession(ulong guildId, ulong voiceChannelId, ulong textChannelId)
    {
        GuildId = guildId;
        VoiceChannelId = voiceChannelId;
        TextChannelId = textChannelId;
    }

    public ulong GuildId { get; }

    public ulong VoiceChannelId { get; set; }

    /// <summary>Where <c>/music</c> was last used to start playback: the now-playing message and notices go there.</summary>
    public ulong TextChannelId { get; set; }

    public ulong? NowPlayingMessageId { get; set; }

    public MusicTrack? Current { get; private set; }

    public IReadOnlyList<MusicTrack> Upcoming => _upcoming;

    /// <summary>Where <see cref="Current"/> was at <see cref="PositionUpdatedAt"/> (from Lavalink's player updates).</summary>
    public long PositionMs { get; private set; }

    public DateTimeOffset PositionUpdatedAt { get; private set; }

    /// <summary>0–200 (see <see cref="MusicVolume"/>); sent to Lavalink as is.</summary>
    public int Volume { get; private set; } = MusicVolume.Default;

    public bool Paused { get; set; }

    /// <summary>The order of the upcoming entries (by <see cref="MusicTrack.EntryId"/>) before the last shuffle; null when there is nothing to undo.</summary>
    public IReadOnlyList<long>? ShuffleUndo => _shuffleUndo;

    /// <summary>The id the next queued entry gets.</summary>
    public long NextEntryId { get; private set; } = 1;

    public int TrackCount => _upcoming.Count + (Current is null ? 0 : 1);

    /// <summary>Nothing is playing: the queue ran out, or was stopped.</summary>
    public bool IsIdle => Current is null;

    public int StoredTrackCharacters => (Current?.StoredSize ?? 0) + _upcoming.Sum(track => track.StoredSize);

    /// <summary>Rebuilds a stored session exactly, with no rule applied (the store's way back in).</summary>
    public static MusicSession Restore(MusicSessionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var session = new MusicSession(snapshot.GuildId, snapshot.VoiceChannelId, snapshot.TextChannelId)
        {
            NowPlayingMessageId = snapshot.NowPlayingMessageId,
            Current = snapshot.Current,
            PositionMs = snapshot.PositionMs,
            PositionUpdatedAt = snapshot.PositionUpdatedAt,
            Volume = MusicVolume.Clamp(snapshot.Volume),
            Paused = snapshot.Paused,
            NextEntryId = snapshot.NextEntryId,
        };
        session._upcoming.AddRange(snapshot.Upcoming);
        session._shuffleUndo = snapshot.ShuffleUndo is null ? null : [.. snapshot.ShuffleUndo];
        return session;
    }

    public MusicSessionSnapshot ToSnapshot() => new()
    {
        GuildId = GuildId,
        VoiceChannelId = VoiceChannelId,
        TextChannelId = TextChannelId,
        NowPlayingMessageId = NowPlayingMessageId,
        Current = Current,
        Upcoming = [.. _upcoming],
        PositionMs = PositionMs,
        PositionUpdatedAt = PositionUpdatedAt,
        Volume = Volume,
        Paused = Paused,
        ShuffleUndo = _shuffleUndo is null ? null : [.. _shuffleUndo],
        NextEntryId = NextEntryId,
    };

    /// <summary>
    /// Adds <paramref name="tracks"/> after the last upcoming one, in order, as far as <see cref="MaxTracks"/> and
    /// <see cref="MaxStoredTrackCharacters"/> allow; the rest are dropped and counted. Does not start anything:
    /// when <see cref="IsIdle"/>, the caller calls <see cref="AdvanceToNext"/>.
    /// </summary>
    public EnqueueResult Enqueue(IEnumerable<MusicTrack> tracks)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var firstPosition = _upcoming.Count + 1;
        var count = TrackCount;
        var characters = StoredTrackCharacters;
        var added = new List<MusicTrack>();
        var dropped = 0;
        foreach (var track in tracks)
        {
            if (count >= MaxTracks || characters + track.StoredSize > MaxStoredTrackCharacters)
            {
                dropped++;
                continue;
            }

            var entry = track with { EntryId = NextEntryId++ };
            _upcoming.Add(entry);
            added.Add(entry);
            count++;
            characters += entry.StoredSize;
        }

        return new EnqueueResult(added, dropped, firstPosition);
    }

    /// <summary>
    /// Makes the first upcoming track the current one (from its start, unpaused) and returns it; null when the queue
    /// ran out, which leaves the session idle. Used when a track finished, on skip, and to start an idle queue.
    /// </summary>
    public MusicTrack? AdvanceToNext(DateTimeOffset now)
    {
        Current = null;
        if (_upcoming.Count > 0)
        {
            Current = _upcoming[0];
            _upcoming.RemoveAt(0);
        }

        PositionMs = 0;
        PositionUpdatedAt = now;
        Paused = false;
        return Current;
    }

    /// <summary>Stop: nothing playing, nothing queued, nothing to undo. Volume and channels stay.</summary>
    public void Clear(DateTimeOffset now)
    {
        Current = null;
        _upcoming.Clear();
        _shuffleUndo = null;
        PositionMs = 0;
        PositionUpdatedAt = now;
        Paused = false;
    }

    /// <summary>
    /// Shuffles the upcoming tracks (the current one keeps playing) and remembers their previous order, replacing an
    /// older snapshot. False, changing nothing, when fewer than two tracks are upcoming.
    /// </summary>
    public bool Shuffle(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_upcoming.Count < 2)
        {
            return false;
        }

        _shuffleUndo = [.. _upcoming.Select(track => track.EntryId)];
        for (var i = _upcoming.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (_upcoming[i], _upcoming[j]) = (_upcoming[j], _upcoming[i]);
        }

        return true;
    }

    /// <summary>
    /// Puts the upcoming tracks back in their order before the last shuffle: tracks that have played or were skipped
    /// since are gone, tracks added since follow at the end in their current order. False when there is no snapshot.
    /// </summary>
    public bool Unshuffle()
    {
        if (_shuffleUndo is null)
        {
            return false;
        }

        var byId = _upcoming.ToDictionary(track => track.EntryId);
        var restored = _shuffleUndo.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        var snapshotIds = _shuffleUndo.ToHashSet();
        restored.AddRange(_upcoming.Where(track => !snapshotIds.Contains(track.EntryId)));
        _upcoming.Clear();
        _upcoming.AddRange(restored);
        _shuffleUndo = null;
        return true;
    }

    public void SetVolume(int volume)
    {
        if (!MusicVolume.IsValid(volume))
        {
            throw new ArgumentOutOfRangeException(nameof(volume), volume, $"Volume must be {MusicVolume.Min} to {MusicVolume.Max}.");
        }

        Volume = volume;
    }

    /// <summary>Remembers where playback was, so a restart can resume there.</summary>
    public void RecordPosition(long positionMs, DateTimeOffset at)
    {
        PositionMs = Math.Max(0, positionMs);
        PositionUpdatedAt = at;
    }

    /// <summary>Where <see cref="Current"/> is expected to be at <paramref name="now"/>: the last known position plus the time since, unless paused.</summary>
    public long PositionAt(DateTimeOffset now)
    {
        if (Current is null)
        {
            return 0;
        }

        var position = PositionMs + (Paused ? 0 : (long)Math.Max(0, (now - PositionUpdatedAt).TotalMilliseconds));
        return Current.IsStream || Current.Length <= TimeSpan.Zero ? position : Math.Min(position, (long)Current.Length.TotalMilliseconds);
    }

    /// <summary>How many pages of <see cref="PageSize"/> the upcoming tracks fill; at least 1.</summary>
    public int PageCount => Math.Max(1, (_upcoming.Count + PageSize - 1) / PageSize);
}

/// <summary>What <see cref="MusicSession.Enqueue"/> took: the entries added, how many were dropped for the limits, and the 1-based "up next" position of the first.</summary>
public sealed record EnqueueResult(IReadOnlyList<MusicTrack> Added, int Dropped, int FirstPosition);

/// <summary>Everything a <see cref="MusicSession"/> holds, as plain data: what stores write and read.</summary>
public sealed record MusicSessionSnapshot
{
    public required ulong GuildId { get; init; }

    public required ulong VoiceChannelId { get; init; }

    public required ulong TextChannelId { get; init; }

    public ulong? NowPlayingMessageId { get; init; }

    public MusicTrack? Current { get; init; }

    public IReadOnlyList<MusicTrack> Upcoming { get; init; } = [];

    public long PositionMs { get; init; }

    public DateTimeOffset PositionUpdatedAt { get; init; }

    public int Volume { get; init; } = MusicVolume.Default;

    public bool Paused { get; init; }

    public IReadOnlyList<long>? ShuffleUndo { get; init; }

    public long NextEntryId { get; init; } = 1;
}
