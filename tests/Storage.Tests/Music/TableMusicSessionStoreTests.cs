using System.Globalization;
using Serverless.Domain.Features.Music;
using Serverless.Storage.Music;

namespace Serverless.Storage.Tests.Music;

/// <summary>The music session table against a private Azurite: round trip, ETag conflicts, large queues, listing.</summary>
public sealed class TableMusicSessionStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 700000000000000000;

    private static ulong NewGuild() => (ulong)Interlocked.Increment(ref s_guild);

    private static MusicTrack Track(int i, int encodedLength = 300) => new()
    {
        Encoded = new string('Q', encodedLength) + i.ToString(CultureInfo.InvariantCulture),
        Title = "Título ♪ " + i.ToString(CultureInfo.InvariantCulture),
        Author = "Artist",
        Length = TimeSpan.FromSeconds(200 + i),
        Uri = i % 2 == 0 ? null : "https://example.test/" + i.ToString(CultureInfo.InvariantCulture),
        IsStream = i == 3,
        RequesterId = 123456789012345678,
    };

    private static MusicSession Session(ulong guild, int tracks, int encodedLength = 300)
    {
        var session = new MusicSession(guild, 11, 22);
        session.Enqueue(Enumerable.Range(0, tracks).Select(i => Track(i, encodedLength)));
        session.AdvanceToNext(Now);
        session.Shuffle(new Random(5));
        session.SetVolume(70);
        session.Paused = true;
        session.NowPlayingMessageId = 333;
        session.RecordPosition(45_000, Now);
        return session;
    }

    [Fact]
    public async Task Save_ThenGet_RoundTripsTheWholeSession()
    {
        var store = new TableMusicSessionStore(azurite.Account);
        var guild = NewGuild();
        var session = Session(guild, 20);

        var version = await store.SaveAsync(session, expectedVersion: null, CancellationToken.None);
        var stored = await store.GetAsync(guild, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(version, stored.Version);
        var expected = session.ToSnapshot();
        var actual = stored.Session.ToSnapshot();
        Assert.Equal(expected.Current, actual.Current);
        Assert.Equal(expected.Upcoming, actual.Upcoming);
        Assert.Equal(expected.ShuffleUndo, actual.ShuffleUndo);
        Assert.Equal(expected with { Upcoming = [], ShuffleUndo = null }, actual with { Upcoming = [], ShuffleUndo = null });
    }

    [Fact]
    public async Task Save_WithAStaleVersion_ThrowsConflict_AndCreateTwiceToo()
    {
        var store = new TableMusicSessionStore(azurite.Account);
        var guild = NewGuild();
        var first = await store.SaveAsync(Session(guild, 2), null, CancellationToken.None);
        var second = await store.SaveAsync(Session(guild, 3), first, CancellationToken.None);

        await Assert.ThrowsAsync<MusicSessionConflictException>(() => store.SaveAsync(Session(guild, 4), first, CancellationToken.None));
        await Assert.ThrowsAsync<MusicSessionConflictException>(() => store.SaveAsync(Session(guild, 4), null, CancellationToken.None));
        Assert.Equal(3, (await store.GetAsync(guild, CancellationToken.None))!.Session.TrackCount);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task AFullQueue_IsSplitAcrossColumns_AndReadBackWhole()
    {
        var store = new TableMusicSessionStore(azurite.Account);
        var guild = NewGuild();
        var session = Session(guild, MusicSession.MaxTracks, encodedLength: 500);
        Assert.Equal(MusicSession.MaxTracks, session.TrackCount);

        await store.SaveAsync(session, null, CancellationToken.None);
        var stored = (await store.GetAsync(guild, CancellationToken.None))!.Session;

        Assert.True(TableMusicSessionStore.ToEntity(session).GetInt32("BodyChunks") > 1);
        Assert.Equal(session.ToSnapshot().Upcoming, stored.ToSnapshot().Upcoming);
    }

    [Fact]
    public void ASessionPastTheRowBudget_IsRefusedNotCut()
    {
        var session = new MusicSession(1, 2, 3);
        // Bypasses the domain's budget on purpose, as a stored session from a looser version could.
        var huge = MusicSession.Restore(session.ToSnapshot() with { Upcoming = [.. Enumerable.Range(0, 60).Select(i => Track(i, 10_000))] });

        Assert.Throws<MusicSessionTooLargeException>(() => TableMusicSessionStore.ToEntity(huge));
    }

    [Fact]
    public async Task Delete_RemovesTheSession_TwiceIsFine_AndListingShowsActiveGuilds()
    {
        var store = new TableMusicSessionStore(azurite.Account);
        var kept = NewGuild();
        var left = NewGuild();
        await store.SaveAsync(Session(kept, 1), null, CancellationToken.None);
        var version = await store.SaveAsync(Session(left, 1), null, CancellationToken.None);

        await store.DeleteAsync(left, version, CancellationToken.None);
        await store.DeleteAsync(left, null, CancellationToken.None);

        Assert.Null(await store.GetAsync(left, CancellationToken.None));
        var active = await store.ListActiveGuildsAsync(CancellationToken.None);
        Assert.Contains(kept, active);
        Assert.DoesNotContain(left, active);
    }

    [Fact]
    public async Task Delete_WithAStaleVersion_ThrowsConflict()
    {
        var store = new TableMusicSessionStore(azurite.Account);
        var guild = NewGuild();
        var first = await store.SaveAsync(Session(guild, 1), null, CancellationToken.None);
        await store.SaveAsync(Session(guild, 2), first, CancellationToken.None);

        await Assert.ThrowsAsync<MusicSessionConflictException>(() => store.DeleteAsync(guild, first, CancellationToken.None));
    }

    [Fact]
    public async Task BeforeTheTableExists_ReadsFindNothing()
    {
        var store = new TableMusicSessionStore(azurite.Account);

        Assert.Null(await store.GetAsync(NewGuild(), CancellationToken.None));
    }
}
