using System.Globalization;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Serverless.DevHost;
using Serverless.Sandbox.Hosting;
using Serverless.Storage.Queues;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The whole bot on loopback: a private Azurite, the Sandbox's Discord, and the DevHost playing the
/// Functions host with the real isolated worker as its child process.
/// </summary>
public class BotEnvironment : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;

    public SandboxServer Discord { get; private set; } = null!;

    public FunctionsDevHost Host { get; private set; } = null!;

    /// <summary>Every line the DevHost and the worker logged.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public Uri InteractionsUrl => new($"{Host.BaseUrl}/api/interactions");

    /// <summary>A second instance of the app, when <see cref="WithSecondHost"/> asks for one.</summary>
    public FunctionsDevHost? SecondHost { get; private set; }

    public Uri SecondInteractionsUrl => new($"{SecondHost!.BaseUrl}/api/interactions");

    /// <summary>True to run two instances of the app against the same storage and Discord (changes that must reach every instance).</summary>
    protected virtual bool WithSecondHost => false;

    /// <summary>The DevHost's host key: it opens the functions whose <c>authLevel</c> is <c>function</c>.</summary>
    public string HostKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The function app the DevHost serves (it starts the worker its <c>worker.config.json</c> names); the build output by default.</summary>
    protected virtual string ScriptRoot => RepositoryPaths.FunctionsBuildOutput;

    protected virtual SandboxOptions SandboxOptions() => new();

    /// <summary>The storage connection string the bot is given; Azurite's own by default.</summary>
    protected virtual string BotStorageConnectionString() => Azurite.ConnectionString;

    /// <summary>Settings added to (or replacing) the defaults below.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings() => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Discord = await SandboxServer.StartAsync(SandboxOptions());
        Host = await FunctionsDevHost.StartAsync(HostOptions());
        if (WithSecondHost)
        {
            // Another instance of the same app: same storage, same Discord, its own worker process and caches.
            SecondHost = await FunctionsDevHost.StartAsync(HostOptions());
        }

        // The worker's first request compiles its HTTP pipeline; on a busy CI machine that alone can pass the
        // 3 seconds the Sandbox holds the bot to. Discord's own endpoint check sends a PING first too.
        var warmUp = await Discord.Interactions.SendPingAsync(InteractionsUrl);
        Assert.Equal(200, warmUp.StatusCode);
        if (SecondHost is not null)
        {
            Assert.Equal(200, (await Discord.Interactions.SendPingAsync(SecondInteractionsUrl)).StatusCode);
        }
    }

    private DevHostOptions HostOptions() => new()
    {
        ScriptRoot = ScriptRoot,
        Port = 0,
        SettingsPath = null,
        LoggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs)),
        Settings = WithExtras(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = BotStorageConnectionString(),
            ["Discord__ApplicationId"] = Discord.ApplicationId.ToString(CultureInfo.InvariantCulture),
            ["Discord__PublicKey"] = Discord.PublicKeyHex,
            ["Discord__BotToken"] = Discord.BotToken,
            ["Discord__ApiBaseUrl"] = Discord.ApiBaseUrl,
            // host.json's retry pacing, shortened so poison handling is seen in seconds, as app settings
            // override host.json under the real host.
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00.200",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.200",
            ["DevHost__HostKey"] = HostKey,
            // Health probes cached for a second, so a test sees what it changed without waiting 30 s.
            ["Health__ProbeCacheDuration"] = "00:00:01",
            // A failed post comes back after its back-off; seconds here rather than minutes.
            ["ScheduledPosts__RetryBaseDelay"] = "00:00:00.500",
            ["ScheduledPosts__RetryMaxDelay"] = "00:00:01",
        }),
    };

    private Dictionary<string, string?> WithExtras(Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        return settings;
    }

    public virtual async Task DisposeAsync()
    {
        if (SecondHost is not null)
        {
            await SecondHost.DisposeAsync();
        }

        await Host.DisposeAsync();
        await Discord.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>The bot's storage account, for reading and writing what other processes (the companion) would.</summary>
    public Storage.StorageAccount Account => Storage.StorageAccount.FromConfiguration(
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Storage.StorageAccount.SettingName] = Azurite.ConnectionString })
            .Build());

    public QueueClient Queue(string name) =>
        new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = Storage.StorageAccount.MessageEncoding });

    /// <summary>Waits until every message of a queue has been taken and deleted (handled, dropped or moved to poison).</summary>
    public async Task WaitUntilDrainedAsync(string queue, TimeSpan timeout)
    {
        var client = Queue(queue);
        var deadline = DateTime.UtcNow + timeout;
        while ((await client.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{queue} still holds messages after {timeout}");
            await Task.Delay(100);
        }
    }

    /// <summary>Reads a queue's messages without taking them (peek).</summary>
    public async Task<IReadOnlyList<string>> PeekAsync(string queue)
    {
        var client = Queue(queue);
        if (!(await client.ExistsAsync()).Value)
        {
            return [];
        }

        var messages = await client.PeekMessagesAsync(maxMessages: 32);
        return [.. messages.Value.Select(m => m.Body.ToString())];
    }

    public Task EnqueueRawAsync(string queue, string text) => Queue(queue).SendMessageAsync(text);
}

/// <summary>The same environment with the published ReadyToRun app, the build Azure runs.</summary>
public sealed class PublishedBotEnvironment(PublishedFunctionApp app) : BotEnvironment
{
    public string? SkipReason => app.SkipReason;

    protected override string ScriptRoot => app.Folder;

    public override Task InitializeAsync() => app.SkipReason is null ? base.InitializeAsync() : Task.CompletedTask;

    public override Task DisposeAsync() => app.SkipReason is null ? base.DisposeAsync() : Task.CompletedTask;
}

/// <summary>An environment of its own, because its test stops Azurite.</summary>
public sealed class OutageBotEnvironment : BotEnvironment;

/// <summary>
/// An environment of its own whose bot reaches Tables through a <see cref="TcpGate"/> a test can cut, with the shortest
/// claim lease and a Discord that forgets a nonce after two seconds (Discord's own lasts minutes; the retries it
/// stands for come later than that).
/// </summary>
public sealed class FlakyTablesBotEnvironment : BotEnvironment
{
    public TcpGate Tables { get; private set; } = null!;

    protected override SandboxOptions SandboxOptions() => new() { NonceWindow = TimeSpan.FromSeconds(2) };

    protected override string BotStorageConnectionString()
    {
        Tables = TcpGate.Start(Azurite.TablePort);
        return Azurite.ConnectionString.Replace(
            string.Create(CultureInfo.InvariantCulture, $":{Azurite.TablePort}/"),
            string.Create(CultureInfo.InvariantCulture, $":{Tables.Port}/"),
            StringComparison.Ordinal);
    }

    protected override IReadOnlyDictionary<string, string?> ExtraSettings() =>
        new Dictionary<string, string?> { ["ScheduledPosts__Lease"] = "00:00:10" };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Tables.DisposeAsync();
    }
}
