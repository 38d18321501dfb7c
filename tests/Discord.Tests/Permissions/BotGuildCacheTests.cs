using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Permissions;

namespace Serverless.Discord.Tests.Permissions;

public sealed class BotGuildCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Entry_ExpiresAfterItsLifetime()
    {
        var cache = new BotGuildCache(_clock, Lifetime, capacity: 10);
        cache.Add(1, Guild(1));

        _clock.Advance(Lifetime - TimeSpan.FromMilliseconds(1));
        var before = cache.TryGet(1);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.NotNull(before);
        Assert.Null(cache.TryGet(1));
    }

    [Fact]
    public void Full_EvictsTheOldest()
    {
        var cache = new BotGuildCache(_clock, Lifetime, capacity: 2);
        cache.Add(1, Guild(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        cache.Add(2, Guild(2));
        _clock.Advance(TimeSpan.FromSeconds(1));
        cache.Add(3, Guild(3));

        Assert.Null(cache.TryGet(1));
        Assert.NotNull(cache.TryGet(2));
        Assert.NotNull(cache.TryGet(3));
    }

    [Fact]
    public void Replacing_AnEntry_DoesNotEvictAnother()
    {
        var cache = new BotGuildCache(_clock, Lifetime, capacity: 2);
        cache.Add(1, Guild(1));
        cache.Add(2, Guild(2));
        cache.Add(2, Guild(20));

        Assert.NotNull(cache.TryGet(1));
        Assert.Equal(20UL, cache.TryGet(2)!.OwnerId);
    }

    private static BotGuild Guild(ulong owner) => new(owner, [], []);
}
