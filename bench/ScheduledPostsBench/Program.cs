using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ScheduledPostsBench;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Features.ScheduledPosts;
using Serverless.Functions.Hosting;
using Serverless.Ports.RateLimiting;
using Serverless.Sandbox.Hosting;
using Serverless.Storage.Queues;
using Serverless.Storage.RateLimiting;
using Serverless.Storage.ScheduledPosts;
using Serverless.Storage;
using Serverless.TestSupport;

// Many one-off posts, due a minute ago, across 1,000 guilds and 2,000 channels, through the real store, queue and
// publisher against a private Azurite and the Sandbox (5 messages per 5 s per channel, 50/s global):
// 1. claim them all in one timer run: wall time and storage operations per post;
// 2. publish them with the Functions app's own services on one fake clock that moves only while no Discord or storage
//    call is in flight, so the publish time is what Discord's limits impose, not this machine's or Azurite's speed.
const int DefaultPostCount = 10_000;
const int Guilds = 1_000;
const int Channels = 2_000;
const int SeedConcurrency = 64;
const int DefaultWorkers = 64;
const int MaxDeliveries = 5;
const int GlobalLimit = 50;
const double ClaimOperationsTarget = 3;
const double PublishRatioTarget = 1.2;
var claimTimeTarget = TimeSpan.FromSeconds(30);
var channelLimit = new RouteRateLimit(5, TimeSpan.FromSeconds(5));

// Longer than publishing takes (at least 200 s at 50/s), so no claim runs out mid-run; see bench/README.md about
// the 2-minute default.
var lease = TimeSpan.FromMinutes(10);

if (!TryReadArguments(args, out var postCount, out var workers))
{
    Console.Error.WriteLine($"usage: ScheduledPostsBench [post count, default {DefaultPostCount}] [--workers N, concurrent publisher invocations, default {DefaultWorkers}]");
    return 2;
}

try
{
    return await RunAsync();
}
catch (Exception exception) when (exception is not OutOfMemoryException)
{
    Console.Error.WriteLine("FAILED: " + exception);
    return 1;
}

async Task<int> RunAsync()
{
    var channelsUsed = Math.Min(postCount, Channels);
    var mostPerChannel = (postCount + channelsUsed - 1) / channelsUsed;
    var ideal = TimeSpan.FromSeconds(Math.Max(
        (Math.Ceiling((double)mostPerChannel / channelLimit.Limit) - 1) * channelLimit.Period.TotalSeconds,
        Math.Ceiling((double)postCount / GlobalLimit) - 1));
    Print($"{postCount} one-off posts over {Math.Min(postCount, Guilds)} guilds and {channelsUsed} channels; limits {channelLimit.Limit}/{channelLimit.Period.TotalSeconds}s per channel, {GlobalLimit}/s global; ideal publish time {ideal.TotalSeconds:0.0} s");

    var now = TimeProvider.System.GetUtcNow();
    var clock = new FakeTimeProvider(now);
    await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
    {
        TimeProvider = clock,
        RateLimits = new SandboxRateLimitOptions { ChannelMessages = channelLimit, GlobalLimit = GlobalLimit },

        // Every call is kept: the last one's time and the 429s are read from the recording.
        MaxRecordedCalls = Math.Max(10_000, postCount * 3),
        ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Error),
    });
    await using var azurite = await AzuriteServer.StartAsync();
    Print($"Azurite {AzuriteServer.Version} (in memory), Sandbox at {sandbox.ApiBaseUrl}");

    var inFlight = new InFlight();
    var operations = new StorageOperations(inFlight, azurite.TablePort);
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Discord:ApplicationId"] = sandbox.ApplicationId.ToString(CultureInfo.InvariantCulture),
        ["Discord:PublicKey"] = sandbox.PublicKeyHex,
        ["Discord:BotToken"] = sandbox.BotToken,
        ["Discord:ApiBaseUrl"] = sandbox.ApiBaseUrl,
        [StorageAccount.SettingName] = azurite.ConnectionString,
    }).Build();
    var account = StorageAccount.FromConfiguration(configuration, operations);
    var store = new TableScheduledPostStore(account);
    var postsQueue = account.Queues.GetQueueClient(QueueNames.Posts);
    var failures = new List<string>();

    // Seed. The posts queue of a deployment with this many posts has long existed: its creation is not measured.
    await postsQueue.CreateIfNotExistsAsync();
    var wall = Stopwatch.StartNew();
    await Parallel.ForEachAsync(
        Enumerable.Range(0, postCount),
        new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency },
        async (index, cancellationToken) => await store.CreateAsync(PostFor(index, now), cancellationToken));
    Print($"seed: {wall.Elapsed.TotalSeconds:0.0} s, {operations.Total} storage operations, {SeedConcurrency} at a time (not a target)");

    // Claim: one timer run, as DuePostsTimer makes it.
    operations.Reset();
    var publishQueue = new AzurePostPublishQueue(account, clock);
    Task EnqueueAsync(PostClaim claim, CancellationToken cancellationToken) =>
        publishQueue.EnqueueAsync(claim, Guid.CreateVersion7().ToString("N"), cancellationToken);
    wall.Restart();
    var run = await store.ClaimDueAsync(now, lease, EnqueueAsync, CancellationToken.None);
    var claimTime = wall.Elapsed;
    var claimOperations = (double)operations.Total / Math.Max(1, run.Claimed);
    Print($"claim: {run.Claimed} claimed (still leased {run.SkippedLeased}, lost races {run.LostRaces}) in {claimTime.TotalSeconds:0.0} s");
    Print($"  storage operations: {operations.Total} ({operations.Retries} retries), {claimOperations:0.000} per post (table {(double)operations.TableTotal / Math.Max(1, run.Claimed):0.000}, queue {(double)operations.QueueTotal / Math.Max(1, run.Claimed):0.000})");
    PrintBreakdown(operations, run.Claimed);
    Print($"  target < {claimTimeTarget.TotalSeconds:0} s: {Verdict(claimTime < claimTimeTarget)}; target <= {ClaimOperationsTarget:0} operations per post: {Verdict(claimOperations <= ClaimOperationsTarget)}");
    if (run.Claimed != postCount)
    {
        failures.Add($"claimed {run.Claimed} of {postCount}");
    }

    operations.Reset();
    wall.Restart();
    var again = await store.ClaimDueAsync(now, lease, EnqueueAsync, CancellationToken.None);
    Print($"second claim right after: {again.Claimed} claimed, {again.SkippedLeased} still leased, {again.LostRaces} lost races, in {wall.Elapsed.TotalSeconds:0.0} s and {operations.Total} storage operations");
    if (again.Claimed != 0)
    {
        failures.Add($"a second run claimed {again.Claimed} posts whose leases had not ended");
    }

    // What the host does before invoking post-publisher: receive the messages (the visibility timeout outlasts the run).
    // It would delete each after its invocation; see the publish figures for why the bench does not.
    operations.Reset();
    var messages = new List<QueueMessage>(run.Claimed);
    while (true)
    {
        QueueMessage[] batch = (await postsQueue.ReceiveMessagesAsync(32, TimeSpan.FromHours(1))).Value;
        if (batch.Length == 0)
        {
            break;
        }

        messages.AddRange(batch);
    }

    Print($"received {messages.Count} messages from the {QueueNames.Posts} queue ({operations.Total} receive operations)");
    if (messages.Count != run.Claimed + again.Claimed)
    {
        failures.Add($"{messages.Count} queue messages for {run.Claimed + again.Claimed} claims");
    }

    // Publish with the Functions app's own services; only the clock, the observed storage account and the Discord
    // transport are the bench's.
    var services = new ServiceCollection();
    services.AddSingleton<TimeProvider>(clock);
    services.AddSingleton(account);

    // The whole rate-limit store call holds the clock, not only each of its requests: the coordinator times store
    // calls on the fake clock (StoreTimeout), and storage is meant to take no time here.
    var rateLimitStore = new CountingStore(new TableRateLimitStore(account), inFlight);
    services.AddSingleton<IRateLimitStore>(rateLimitStore);
    var logs = new CapturingLoggerProvider();
    services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(logs));
    services.AddFunctionApp(configuration);
    services.AddHttpClient(DiscordRestClient.HttpClientName)
        .ConfigurePrimaryHttpMessageHandler(() => new CountingHandler(inFlight) { InnerHandler = new SocketsHttpHandler() });
    await using var provider = services.BuildServiceProvider();
    var configurationProblems = FunctionAppServices.ValidateConfiguration(provider);
    if (configurationProblems.Count > 0)
    {
        Console.Error.WriteLine("Functions app configuration: " + string.Join("; ", configurationProblems));
        return 1;
    }

    var publisher = provider.GetRequiredService<PostPublisher>();
    var outcomes = new int[Enum.GetValues<QueueWorkResult>().Length];
    var retryReasons = new ConcurrentQueue<string>();
    var invocationErrors = new ConcurrentQueue<string>();

    // One pass of the workers over the messages; returns those whose invocation threw, which the host would deliver again.
    async Task<IReadOnlyList<QueueMessage>> PublishPassAsync(IReadOnlyList<QueueMessage> pending)
    {
        var thrown = new ConcurrentQueue<QueueMessage>();
        var next = -1;
        async Task WorkAsync()
        {
            for (var index = Interlocked.Increment(ref next); index < pending.Count; index = Interlocked.Increment(ref next))
            {
                var message = pending[index];
                QueueWorkOutcome outcome;
                try
                {
                    outcome = await publisher.RunAsync(message.MessageText, CancellationToken.None);
                }
                catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException)
                {
                    invocationErrors.Enqueue(exception.GetType().Name + ": " + exception.Message.Split('\n')[0]);
                    thrown.Enqueue(message);
                    continue;
                }

                Interlocked.Increment(ref outcomes[(int)outcome.Result]);
                if (outcome.Reason is { } reason)
                {
                    retryReasons.Enqueue(reason);
                }
            }
        }

        var all = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(2));
            if (!all.IsCompleted && inFlight.Count == 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
            }
        }

        await all;
        return [.. thrown];
    }

    operations.Reset();
    var start = clock.GetUtcNow();
    wall.Restart();
    IReadOnlyList<QueueMessage> undelivered = messages;
    for (var delivery = 1; delivery <= MaxDeliveries && undelivered.Count > 0; delivery++)
    {
        undelivered = await PublishPassAsync(undelivered);
    }

    var publishWall = wall.Elapsed;
    var calls = sandbox.Calls;
    var limitTime = calls.Count == 0 ? TimeSpan.Zero : calls.Max(call => call.At) - start;
    var tooMany = calls.Count(call => call.StatusCode == 429);
    var created = calls.Count(call => call is { Method: "POST", StatusCode: 200 } && call.Path.EndsWith("/messages", StringComparison.Ordinal));
    Print($"publish: {messages.Count} messages, {workers} workers: completed {outcomes[(int)QueueWorkResult.Completed]}, skipped {outcomes[(int)QueueWorkResult.Skipped]}, retry {outcomes[(int)QueueWorkResult.Retry]}; wall {publishWall.TotalSeconds:0.0} s");
    // Failed posts say why in the publisher's warnings (listed by event id below); skipped ones are counted above.
    foreach (var reason in retryReasons.Take(5))
    {
        Print($"  retry: {reason}");
    }

    if (!invocationErrors.IsEmpty)
    {
        Print($"  {invocationErrors.Count} invocations threw and were delivered again (at most {MaxDeliveries} deliveries), e.g. {invocationErrors.First()}");
    }

    if (undelivered.Count > 0)
    {
        failures.Add($"{undelivered.Count} messages still failing after {MaxDeliveries} deliveries");
    }

    var ratio = ideal > TimeSpan.Zero ? limitTime / ideal : double.NaN;
    Print($"  limit-imposed time {limitTime.TotalSeconds:0.0} s, ideal {ideal.TotalSeconds:0.0} s, ratio {ratio:0.00}; {created / Math.Max(1, limitTime.TotalSeconds):0.0} messages/s; {tooMany} answers 429; {calls.Count} Discord calls, {created} messages created (200)");
    Print($"  storage operations: {operations.Total} ({operations.Retries} retries), {(double)operations.Total / Math.Max(1, created):0.00} per published post; {rateLimitStore.Reservations} rate-limit reservations");

    // The host then deletes each message (one more queue operation per post). Not done here: Azurite's in-memory queue
    // sweeps deleted messages once a minute, one metadata removal each, and thousands stall it for tens of seconds.
    PrintBreakdown(operations, created);
    foreach (var group in logs.Entries.GroupBy(entry => entry.Id.Id).OrderBy(group => group.Key))
    {
        var first = group.First();
        Print($"  log {first.Level} [{group.Key}] x{group.Count()}: {first.Message}");
    }

    Print($"  target <= {PublishRatioTarget:0.0}x the ideal: {(double.IsNaN(ratio) ? "n/a (no limit applies)" : Verdict(ratio <= PublishRatioTarget))}");

    // Duplicates: each channel must hold exactly its own posts, each once.
    var expectedPerChannel = Enumerable.Range(0, postCount).GroupBy(ChannelOf).ToDictionary(group => group.Key, group => group.Count());
    var channelMessages = expectedPerChannel.Keys.ToDictionary(channel => channel, channel => sandbox.State.ChannelMessages(channel));
    var overfullChannels = expectedPerChannel.Count(pair => channelMessages[pair.Key].Count > pair.Value);
    var posted = channelMessages.Values.SelectMany(list => list).ToList();
    var repeatedPosts = posted.GroupBy(message => message.Content, StringComparer.Ordinal).Count(group => group.Count() > 1);
    var missingPosts = postCount - posted.Select(message => message.Content).Distinct(StringComparer.Ordinal).Count();
    var duplicated = overfullChannels > 0 || repeatedPosts > 0 || posted.Count > postCount;
    Print($"  channel messages: {posted.Count} (expected {postCount}); channels over their count {overfullChannels}, posts seen twice {repeatedPosts}, posts missing {missingPosts}");
    Print($"  target zero duplicates: {(duplicated ? "NOT MET: DUPLICATES" : "met")}");
    if (duplicated)
    {
        failures.Add("DUPLICATES in the channels");
    }

    if (missingPosts > 0)
    {
        failures.Add($"{missingPosts} posts were never published");
    }

    // The store agrees: every post published, no due row left.
    var byStatus = (await store.ListAsync(null, null, CancellationToken.None)).GroupBy(post => post.Status).ToDictionary(group => group.Key, group => group.Count());
    var dueRowsLeft = await account.Tables.GetTableClient(TableScheduledPostStore.DueTable).QueryAsync<TableEntity>(select: ["PartitionKey"]).CountAsync();
    Print($"  store: {string.Join(", ", byStatus.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key.ToString().ToLowerInvariant()} {pair.Value}"))}; due rows left {dueRowsLeft}");
    if (byStatus.GetValueOrDefault(PostStatus.Published) != postCount || dueRowsLeft != 0)
    {
        failures.Add("the store does not show every post published and its due row gone");
    }

    foreach (var failure in failures)
    {
        Console.Error.WriteLine("FAILED: " + failure);
    }

    return failures.Count == 0 ? 0 : 1;
}

static void PrintBreakdown(StorageOperations operations, int posts)
{
    foreach (var (operation, stats) in operations.Breakdown)
    {
        Print($"    {operation,-36} {stats.Count,7}  {(double)stats.Count / Math.Max(1, posts),6:0.000} per post  mean {stats.Mean.TotalMilliseconds,6:0.0} ms  max {stats.Max.TotalMilliseconds,7:0} ms");
    }
}

static ScheduledPost PostFor(int index, DateTimeOffset now) => new()
{
    Id = "bench" + index.ToString("D6", CultureInfo.InvariantCulture),
    GuildId = GuildOf(index),
    ChannelId = ChannelOf(index),
    Content = "Scheduled post " + index.ToString(CultureInfo.InvariantCulture),
    Anchor = now.AddMinutes(-1),
    NextRunAt = now.AddMinutes(-1),
    CreatedBy = 42,
    CreatedAt = now.AddHours(-1),
};

// Channel i % 2000 belongs to guild i % 1000, so every channel is in exactly one guild.
static ulong GuildOf(int index) => 900_000_000_000_000_000 + (ulong)(index % Guilds);

static ulong ChannelOf(int index) => 910_000_000_000_000_000 + (ulong)(index % Channels);

static string Verdict(bool met) => met ? "met" : "NOT MET";

static void Print(FormattableString line) => Console.WriteLine(FormattableString.Invariant(line));

static bool TryReadArguments(string[] args, out int postCount, out int workers)
{
    postCount = DefaultPostCount;
    workers = DefaultWorkers;
    var positional = 0;
    for (var index = 0; index < args.Length; index++)
    {
        var ok = args[index] == "--workers"
            ? ++index < args.Length && TryReadPositive(args[index], out workers)
            : positional++ == 0 && TryReadPositive(args[index], out postCount);
        if (!ok)
        {
            return false;
        }
    }

    return true;
}

static bool TryReadPositive(string text, out int value) =>
    int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;
