using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Serverless.Domain.Controls;
using Serverless.Storage.Controls;

namespace Serverless.Storage.Tests.Controls;

/// <summary>The command limits' buckets against a private Azurite: ETag-guarded, so racing instances never over-grant.</summary>
public sealed class TableCommandLimitStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly LimitPolicy FivePerMinute = new(5, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task TwentyTakesAtOnce_FromTwoInstances_GrantExactlyTheCapacity()
    {
        var subject = NewUser();
        var stores = new[] { new TableCommandLimitStore(azurite.Account), new TableCommandLimitStore(azurite.Account) };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            stores[i % 2].TryTakeAsync(subject, "ping", FivePerMinute, Now, CancellationToken.None).AsTask()));

        Assert.Equal(5, decisions.Count(decision => decision.Allowed));
        Assert.All(decisions.Where(decision => !decision.Allowed), decision => Assert.True(decision.RetryAt > Now));
    }

    [Fact]
    public async Task ARefusedTake_SaysWhenToRetry_AndTheBucketRefillsWithTime()
    {
        var subject = NewUser();
        var store = new TableCommandLimitStore(azurite.Account);
        var policy = new LimitPolicy(1, TimeSpan.FromSeconds(30));

        Assert.True((await store.TryTakeAsync(subject, "ping", policy, Now, CancellationToken.None)).Allowed);
        var refused = await store.TryTakeAsync(subject, "ping", policy, Now.AddSeconds(10), CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.Equal(Now.AddSeconds(30), refused.RetryAt);
        Assert.True((await store.TryTakeAsync(subject, "ping", policy, Now.AddSeconds(30), CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task Reset_RefillsOneBucketOrAll_AndReadShowsWhatIsStored()
    {
        var subject = NewUser();
        var store = new TableCommandLimitStore(azurite.Account);
        await store.TryTakeAsync(subject, "ping", FivePerMinute, Now, CancellationToken.None);
        await store.TryTakeAsync(subject, "music", FivePerMinute, Now, CancellationToken.None);

        var stored = await store.ReadAsync(subject, CancellationToken.None);
        Assert.Equal(["music", "ping"], stored.Select(state => state.Bucket).Order(StringComparer.Ordinal));
        Assert.All(stored, state => Assert.Equal(4, state.Tokens));

        Assert.Equal(1, await store.ResetAsync(subject, "ping", CancellationToken.None));
        Assert.Equal("music", Assert.Single(await store.ReadAsync(subject, CancellationToken.None)).Bucket);
        Assert.Equal(1, await store.ResetAsync(subject, bucket: null, CancellationToken.None));
        Assert.Empty(await store.ReadAsync(subject, CancellationToken.None));
    }

    [Fact]
    public async Task AnUnreachableStore_LetsTheCommandThrough()
    {
        // Nothing listens on this port: the limiter fails open rather than refusing every command.
        var account = StorageAccount.FromConfiguration(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageAccount.SettingName] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1",
        }).Build());
        var store = new TableCommandLimitStore(account);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True((await store.TryTakeAsync(NewUser(), "ping", FivePerMinute, Now, timeout.Token)).Allowed);
    }

    private static LimitSubject NewUser() => new(LimitSubjectKind.User, (ulong)Random.Shared.NextInt64(1, long.MaxValue));
}
