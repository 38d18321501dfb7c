using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Rest;
using Serverless.Ports.RateLimiting;
using Serverless.Sandbox.Hosting;
using Serverless.Storage.RateLimiting;
using Serverless.Storage;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.RateLimiting;

/// <summary>
/// Real HTTP against the offline Discord, which enforces its default limits on the same fake clock as the
/// clients: waits are exact and the suite does not sleep through real rate-limit windows.
/// </summary>
public sealed class SandboxRateLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(ClientHarness.Start);
    private SandboxServer _sandbox = null!;
    private AzuriteServer? _azurite;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0, TimeProvider = _clock });

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    private readonly InFlight _inFlight = new();

    private ClientHarness NewClient(IRateLimitStore? store = null) => new(
        // Real storage calls take real milliseconds while the driver moves the fake clock on; a fake-time
        // store timeout would then fire spuriously, so it is generous here (the timeout has its own test).
        options => options.StoreTimeout = TimeSpan.FromHours(1),
        store,
        _clock,
        _sandbox.ApiBaseUrl,
        _sandbox.BotToken,
        _inFlight);

    private int TooManyRequests => _sandbox.Calls.Count(call => call.StatusCode == 429);

    private static MessageCreatePayload Message(int i) => new() { Content = "m" + i };

    [Fact]
    public async Task OneClient_ChannelBucket_IsHonouredWithNo429s()
    {
        using var client = NewClient();

        await client.DriveAsync(Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                await client.Client.CreateMessageAsync(1001, Message(i));
            }
        }), TimeSpan.FromMilliseconds(50));

        Assert.Equal(12, _sandbox.State.ChannelMessages(1001).Count);
        Assert.Equal(0, TooManyRequests);
    }

    [Fact]
    public async Task OneClient_ConcurrentSendsToOneChannel_LearnTheBucketThenNever429()
    {
        using var client = NewClient();

        var sends = Enumerable.Range(0, 11).Select(i => client.Client.CreateMessageAsync(1002, Message(i))).ToArray();
        await client.DriveAsync(Task.WhenAll(sends), TimeSpan.FromMilliseconds(50));

        Assert.Equal(11, _sandbox.State.ChannelMessages(1002).Count);
        Assert.Equal(0, TooManyRequests);
    }

    [Fact]
    public async Task ManyClientsSharingTheTablesStore_StayUnderChannelAndGlobalLimits()
    {
        _azurite = await AzuriteServer.StartAsync();
        var account = StorageAccount.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccount.SettingName] = _azurite.ConnectionString })
            .Build());

        // Independent clients: own service provider, HttpClient, coordinator and store object; only the table is shared.
        var clients = Enumerable.Range(0, 4).Select(_ => NewClient(new TableRateLimitStore(account))).ToList();
        try
        {
            // One channel bucket (5 per 5 s) hit by everyone, then 160 messages over 40 channels against the 50/s global limit.
            var oneChannel = clients.SelectMany((client, c) => Enumerable.Range(0, 3).Select(i => client.Client.CreateMessageAsync(2000, Message((c * 10) + i))));
            await clients[0].DriveAsync(Task.WhenAll(oneChannel), TimeSpan.FromMilliseconds(50));
            Assert.Equal(12, _sandbox.State.ChannelMessages(2000).Count);
            var afterChannel = TooManyRequests;

            var spread = clients.SelectMany((client, c) => Enumerable.Range(0, 40).Select(channel => client.Client.CreateMessageAsync((ulong)(3000 + channel), Message(c))));
            await clients[0].DriveAsync(Task.WhenAll(spread), TimeSpan.FromMilliseconds(50));

            Assert.Equal(160, Enumerable.Range(0, 40).Sum(channel => _sandbox.State.ChannelMessages((ulong)(3000 + channel)).Count));

            // At most one per bucket discovered, in practice none.
            Assert.True(afterChannel <= 1, $"{afterChannel} 429s on the shared channel bucket");
            Assert.True(TooManyRequests - afterChannel <= 1, $"{TooManyRequests - afterChannel} 429s against the global limit: " + string.Join("; ", _sandbox.Calls.Where(call => call.StatusCode == 429).Select(call => $"{call.Path} at {(call.At - ClientHarness.Start).TotalMilliseconds} ms")));
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task ManyClientsDiscoveringARouteTogether_ProbeItOnce_AndNever429()
    {
        const int Messages = 400;
        _azurite = await AzuriteServer.StartAsync();
        var account = StorageAccount.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccount.SettingName] = _azurite.ConnectionString })
            .Build());
        var clients = Enumerable.Range(0, 16).Select(_ => NewClient(new TableRateLimitStore(account))).ToList();
        try
        {
            // Nobody knows the route's bucket yet; sixteen clients send over the same twenty channels at once. An instance
            // that learned the bucket must not probe a channel's bucket while another still probes the route.
            var sends = Enumerable.Range(0, Messages).Select(i => clients[i % clients.Count].Client.CreateMessageAsync((ulong)(4000 + (i % 20)), Message(i)));
            await clients[0].DriveAsync(Task.WhenAll(sends), TimeSpan.FromMilliseconds(50));

            Assert.Equal(Messages, Enumerable.Range(0, 20).Sum(channel => _sandbox.State.ChannelMessages((ulong)(4000 + channel)).Count));
            Assert.True(TooManyRequests == 0, $"{TooManyRequests} 429s: " + string.Join("; ", _sandbox.Calls.Where(call => call.StatusCode == 429).Select(call => $"{call.Path} at {(call.At - ClientHarness.Start).TotalMilliseconds} ms")));
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }
}
