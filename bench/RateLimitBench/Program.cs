using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Discord.Hosting;
using Serverless.Discord.Rest;
using Serverless.Discord;
using Serverless.Ports.RateLimiting;
using Serverless.Sandbox.Hosting;
using Serverless.Storage.RateLimiting;
using Serverless.Storage;
using Serverless.TestSupport;

// N independent clients (own ServiceProvider, HttpClient, coordinator, Tables store) share only the ratelimits
// table in Azurite (or, with --memory, one in-process store) and push 1,000 channel messages over 20 channels
// through the Sandbox (5 per 5 s per channel, 50/s global).
// The Sandbox and the clients run on one fake clock that moves only while no HTTP call is in flight, so
// "time" below is the time the rate limits impose, independent of this machine's speed.
const int Messages = 1_000;
const int Channels = 20;
var channelLimit = new RouteRateLimit(5, TimeSpan.FromSeconds(5));
const int GlobalLimit = 50;

var perChannel = (double)Messages / Channels;
var ideal = TimeSpan.FromSeconds(Math.Max(
    (Math.Ceiling(perChannel / channelLimit.Limit) - 1) * channelLimit.Period.TotalSeconds,
    (Math.Ceiling((double)Messages / GlobalLimit) - 1) * 1.0));

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Messages} messages over {Channels} channels; limits {channelLimit.Limit}/{channelLimit.Period.TotalSeconds}s per channel, {GlobalLimit}/s global; ideal {ideal.TotalSeconds:0.0} s"));
var inMemory = args.Contains("--memory");
var counts = args.Where(a => a != "--memory").Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
await using var azurite = inMemory ? null : await AzuriteServer.StartAsync();
Console.WriteLine(inMemory ? "shared store: one in-process InMemoryRateLimitStore" : $"shared store: table {TableRateLimitStore.TableName} in Azurite {AzuriteServer.Version}, one TableRateLimitStore per client");
Console.WriteLine("clients  limit-time(s)  ratio-to-ideal  429s  store-reservations  wall(s)");
foreach (var clients in counts.Count > 0 ? counts : [1, 4, 16])
{
    await RunAsync(clients);
}

async Task RunAsync(int clientCount)
{
    var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    var clock = new FakeTimeProvider(start);
    await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
    {
        TimeProvider = clock,
        RateLimits = new SandboxRateLimitOptions { ChannelMessages = channelLimit, GlobalLimit = GlobalLimit },
        ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Error),
    });
    var inFlight = new InFlight();
    var shared = new InMemoryRateLimitStore();
    if (azurite is not null)
    {
        // Each run starts from an empty table, as the clock starts again at the same instant.
        await NewStorageAccount(azurite).Tables.DeleteTableAsync(TableRateLimitStore.TableName);
    }

    var stores = Enumerable.Range(0, clientCount)
        .Select(_ => new CountingStore(azurite is null ? shared : new TableRateLimitStore(NewStorageAccount(azurite)), inFlight))
        .ToList();
    var providers = stores.Select(store =>
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IRateLimitStore>(store);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        services.Configure<DiscordOptions>(options =>
        {
            options.ApiBaseUrl = sandbox.ApiBaseUrl;
            options.BotToken = sandbox.BotToken;
        });
        services.Configure<DiscordRateLimitOptions>(options => options.MaxWait = TimeSpan.FromMinutes(10));
        services.AddDiscordRest(new ConfigurationBuilder().Build()).ConfigurePrimaryHttpMessageHandler(() => new CountingHandler(inFlight) { InnerHandler = new SocketsHttpHandler() });
        return services.BuildServiceProvider();
    }).ToList();

    var wall = Stopwatch.StartNew();
    var sends = Enumerable.Range(0, Messages).Select(i =>
    {
        var client = providers[i % clientCount].GetRequiredService<DiscordRestClient>();
        return client.CreateMessageAsync((ulong)(10_000 + (i % Channels)), new MessageCreatePayload { Content = "m" + i.ToString(CultureInfo.InvariantCulture) });
    }).ToArray();
    var all = Task.WhenAll(sends);
    while (!all.IsCompleted)
    {
        await Task.WhenAny(all, Task.Delay(2));
        if (!all.IsCompleted && inFlight.Count == 0)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }
    }

    await all;
    var lastCall = sandbox.Calls.Max(call => call.At);
    var elapsed = lastCall - start;
    var tooMany = sandbox.Calls.Count(call => call.StatusCode == 429);
    if (Environment.GetEnvironmentVariable("RATELIMIT_BENCH_TRACE") is not null)
    {
        foreach (var call in sandbox.Calls.Where(call => call.StatusCode == 429).Take(30))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(call.At - start).TotalSeconds:0.00} {call.StatusCode} {call.Path}"));
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clientCount,7}  {elapsed.TotalSeconds,13:0.0}  {elapsed / ideal,14:0.00}  {tooMany,4}  {stores.Sum(store => store.Reservations),18}  {wall.Elapsed.TotalSeconds,7:0.0}"));
    providers.ForEach(provider => provider.Dispose());
}

static StorageAccount NewStorageAccount(AzuriteServer azurite) => StorageAccount.FromConfiguration(
    new ConfigurationBuilder().AddInMemoryCollection([new(StorageAccount.SettingName, azurite.ConnectionString)]).Build());
