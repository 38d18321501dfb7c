using Serverless.Companion.Music;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Tests.Music;

public sealed class MusicSessionRepositoryTests
{
    [Fact]
    public async Task Update_AfterSomeoneElseWrote_ReadsAgainAndReappliesTheChange()
    {
        var store = new InMemoryMusicSessionStore();
        var repository = new MusicSessionRepository(store);
        await repository.UpdateAsync(1, session => session.SetVolume(50), CancellationToken.None, () => new MusicSession(1, 2, 3));

        // Another writer (an operator, a second instance during a deploy) moves the stored version on.
        var other = (await store.GetAsync(1, CancellationToken.None))!;
        other.Session.Enqueue([new MusicTrack { Encoded = "e", Title = "theirs", Author = "a" }]);
        await store.SaveAsync(other.Session, other.Version, CancellationToken.None);

        var saved = await repository.UpdateAsync(1, session => session.SetVolume(80), CancellationToken.None);

        var stored = (await store.GetAsync(1, CancellationToken.None))!.Session;
        Assert.Equal(80, stored.Volume);
        Assert.Equal(["theirs"], stored.Upcoming.Select(track => track.Title));
        Assert.Equal(80, saved!.Volume);
    }
}
