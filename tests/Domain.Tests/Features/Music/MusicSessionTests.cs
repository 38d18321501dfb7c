using System.Globalization;
using Serverless.Domain.Features.Music;

namespace Serverless.Domain.Tests.Features.Music;

public sealed class MusicSessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Original = ["a", "b", "c", "d", "e", "f"];

    internal static MusicTrack Track(string name, int seconds = 205, ulong requester = 42) => new()
    {
        Encoded = "enc-" + name,
        Title = name,
        Author = "Author " + name,
        Length = TimeSpan.FromSeconds(seconds),
        Uri = "https://example.test/" + name,
        RequesterId = requester,
    };

    private static MusicSession Session(params string[] upcoming)
    {
        var session = new MusicSession(1, 2, 3);
        session.Enqueue(upcoming.Select(name => Track(name)));
        return session;
    }

    private static string[] UpNext(MusicSession session) => [.. session.Upcoming.Select(track => track.Title)];

    [Fact]
    public void Enqueue_GivesPositionsAndUniqueEntryIds_AndAdvanceTakesTheFirst()
    {
        var session = Session("a", "a");

        var result = session.Enqueue([Track("b")]);

        Assert.Equal(3, result.FirstPosition);
        Assert.Equal(3, session.Upcoming.Select(track => track.EntryId).Distinct().Count());
        Assert.True(session.IsIdle);
        Assert.Equal("a", session.AdvanceToNext(Now)!.Title);
        Assert.Equal(["a", "b"], UpNext(session));
        session.AdvanceToNext(Now);
        session.AdvanceToNext(Now);
        Assert.Null(session.AdvanceToNext(Now));
        Assert.True(session.IsIdle);
    }

    [Fact]
    public void Enqueue_PastTheTrackLimit_TruncatesAndCountsTheRest()
    {
        var session = Session();
        var playlist = Enumerable.Range(0, MusicSession.MaxTracks + 20).Select(i => Track(i.ToString(CultureInfo.InvariantCulture)));

        var result = session.Enqueue(playlist);

        Assert.Equal(MusicSession.MaxTracks, result.Added.Count);
        Assert.Equal(20, result.Dropped);
        Assert.Empty(session.Enqueue([Track("more")]).Added);
        Assert.Contains("20 more didn't fit", MusicText.QueuedPlaylist("Mix", result, startedPlaying: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Enqueue_PastTheStoredSizeBudget_Truncates()
    {
        var session = Session();
        var huge = Enumerable.Range(0, 100).Select(i => Track(i.ToString(CultureInfo.InvariantCulture)) with { Encoded = new string('Q', 9_000) });

        var result = session.Enqueue(huge);

        Assert.True(result.Dropped > 0);
        Assert.True(session.StoredTrackCharacters <= MusicSession.MaxStoredTrackCharacters);
    }

    [Fact]
    public void Unshuffle_RestoresThePreviousOrder_KeepingTracksAddedSinceAtTheEnd()
    {
        var session = Session("a", "b", "c", "d", "e", "f");
        Assert.True(session.Shuffle(new Random(7)));
        Assert.NotEqual(["a", "b", "c", "d", "e", "f"], UpNext(session));
        session.Enqueue([Track("g")]);
        session.AdvanceToNext(Now); // whichever came first after the shuffle has started playing

        Assert.True(session.Unshuffle());

        var played = session.Current!.Title;
        Assert.Equal(Original.Where(name => name != played).Append("g"), UpNext(session));
        Assert.False(session.Unshuffle());
    }

    [Fact]
    public void Shuffle_AgainReplacesTheSnapshot()
    {
        var session = Session("a", "b", "c", "d");
        session.Shuffle(new Random(1));
        var afterFirst = UpNext(session);
        session.Shuffle(new Random(2));

        session.Unshuffle();

        Assert.Equal(afterFirst, UpNext(session));
    }

    [Fact]
    public void Shuffle_WithFewerThanTwoUpNext_ChangesNothing()
    {
        var session = Session("a");

        Assert.False(session.Shuffle(new Random(1)));
        Assert.Null(session.ShuffleUndo);
    }

    [Fact]
    public void Clear_DropsQueueAndSnapshot_KeepsVolume()
    {
        var session = Session("a", "b", "c");
        session.SetVolume(150);
        session.AdvanceToNext(Now);
        session.Shuffle(new Random(3));

        session.Clear(Now);

        Assert.True(session.IsIdle);
        Assert.Empty(session.Upcoming);
        Assert.Null(session.ShuffleUndo);
        Assert.Equal(150, session.Volume);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(100, true)]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void Volume_AcceptsZeroToTwoHundred_AndMapsUnchangedToLavalink(int volume, bool valid)
    {
        Assert.Equal(valid, MusicVolume.IsValid(volume));
        var session = Session();
        if (valid)
        {
            session.SetVolume(volume);
            Assert.Equal(volume, MusicVolume.ToLavalink(session.Volume));
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => session.SetVolume(volume));
        }
    }

    [Fact]
    public void PositionAt_AddsTheTimeSinceTheLastUpdate_UnlessPaused_AndStopsAtTheEnd()
    {
        var session = Session("a");
        session.AdvanceToNext(Now);
        session.RecordPosition(10_000, Now);

        Assert.Equal(15_000, session.PositionAt(Now.AddSeconds(5)));
        Assert.Equal(205_000, session.PositionAt(Now.AddHours(1)));
        session.Paused = true;
        Assert.Equal(10_000, session.PositionAt(Now.AddSeconds(5)));
    }

    [Fact]
    public void Snapshot_RoundTripsEverything()
    {
        var session = Session("a", "b", "c");
        session.AdvanceToNext(Now);
        session.Shuffle(new Random(4));
        session.SetVolume(80);
        session.NowPlayingMessageId = 99;
        session.RecordPosition(1234, Now);

        var copy = MusicSession.Restore(session.ToSnapshot());

        Assert.Equal(session.ToSnapshot().Upcoming, copy.ToSnapshot().Upcoming);
        Assert.Equal(session.ShuffleUndo, copy.ShuffleUndo);
        Assert.Equal(session.Current, copy.Current);
        Assert.Equal((80, 99UL, 1234L, session.NextEntryId), (copy.Volume, copy.NowPlayingMessageId, copy.PositionMs, copy.NextEntryId));
    }
}
