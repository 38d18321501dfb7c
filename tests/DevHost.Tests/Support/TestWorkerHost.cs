using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Queues;
using Serverless.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Serverless.DevHost.Tests.Support;

/// <summary>
/// A DevHost running the test worker app (tests/DevHost.TestWorker) through the real protocol, with in-memory queues,
/// function keys, a folder the worker records into, and every log line captured.
/// </summary>
internal sealed class TestWorkerHost : IAsyncDisposable
{
    /// <summary>Given to the DevHost as an app setting; the worker must see it in its environment like any other.</summary>
    public const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    public const string FunctionKey = "keyed-function-key";
    public const string OtherFunctionKey = "echo-function-key";
    public const string HostKey = "the-host-key";
    public const string MasterKey = "the-master-key";

    private readonly ILoggerFactory _loggerFactory;

    private TestWorkerHost(FunctionsDevHost host, RecordingTransport transport, CapturingLoggerProvider logs, ILoggerFactory loggerFactory, string recordDirectory)
    {
        Host = host;
        Transport = transport;
        Logs = logs;
        _loggerFactory = loggerFactory;
        RecordDirectory = recordDirectory;
    }

    public FunctionsDevHost Host { get; }

    public RecordingTransport Transport { get; }

    public CapturingLoggerProvider Logs { get; }

    public string RecordDirectory { get; }

    public static async Task<TestWorkerHost> StartAsync(TimeProvider clock, ITestOutputHelper? output = null)
    {
        var recordDirectory = Path.Combine(Path.GetTempPath(), "devhost-tests", "records-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(recordDirectory);
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            if (output is not null)
            {
                logging.AddProvider(new XunitLoggerProvider(output));
            }
        });
        var transport = new RecordingTransport(new InMemoryQueueTransport(clock));
        var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = TestPaths.TestWorker,
            Port = 0,
            TimeProvider = clock,
            LoggerFactory = loggerFactory,
            QueueTransportFactory = connectionString => connectionString == "UseDevelopmentStorage=true" ? transport : throw new InvalidOperationException(connectionString),
            Settings = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["TestWorker__RecordDirectory"] = recordDirectory,
                ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = ConnectionString,
                ["DevHost__FunctionKeys__keyed"] = FunctionKey,
                ["DevHost__FunctionKeys__echo"] = OtherFunctionKey,
                ["DevHost__HostKey"] = HostKey,
                ["DevHost__MasterKey"] = MasterKey,
            },
        });
        return new TestWorkerHost(host, transport, logs, loggerFactory, recordDirectory);
    }

    /// <summary>Waits for the JSON file the worker writes as <paramref name="name"/>.json.</summary>
    public async Task<JsonElement> WaitForRecordAsync(string name)
    {
        var path = Path.Combine(RecordDirectory, name + ".json");
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (!File.Exists(path))
        {
            await Task.Delay(20, timeout.Token);
        }

        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path, timeout.Token));
        return document.RootElement.Clone();
    }

    /// <summary>Waits for the first new record whose name starts with <paramref name="prefix"/> and is not in <paramref name="seen"/>.</summary>
    public async Task<JsonElement> WaitForNewRecordAsync(string prefix, IReadOnlyCollection<string> seen)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            var fresh = RecordNames(prefix).FirstOrDefault(name => !seen.Contains(name));
            if (fresh is not null)
            {
                return await WaitForRecordAsync(fresh);
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    public IReadOnlyList<string> RecordNames(string prefix) =>
        [.. Directory.EnumerateFiles(RecordDirectory, prefix + "*.json").Select(path => Path.GetFileNameWithoutExtension(path))];

    /// <summary>Waits until a captured log line satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLogAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            if (Logs.Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _loggerFactory.Dispose();
        try
        {
            Directory.Delete(RecordDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>Passes everything to an in-memory queue and keeps each message as received, to compare with what the worker saw.</summary>
internal sealed class RecordingTransport(InMemoryQueueTransport inner) : IQueueTransport
{
    private readonly List<ReceivedQueueMessage> _received = [];

    public InMemoryQueueTransport Inner { get; } = inner;

    public IReadOnlyList<ReceivedQueueMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public Task CreateQueueIfNotExistsAsync(string queueName, CancellationToken cancellationToken) => Inner.CreateQueueIfNotExistsAsync(queueName, cancellationToken);

    public async Task<IReadOnlyList<ReceivedQueueMessage>> ReceiveMessagesAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var messages = await Inner.ReceiveMessagesAsync(queueName, maxMessages, visibilityTimeout, cancellationToken);
        lock (_received)
        {
            _received.AddRange(messages);
        }

        return messages;
    }

    public Task DeleteMessageAsync(ReceivedQueueMessage message, CancellationToken cancellationToken) => Inner.DeleteMessageAsync(message, cancellationToken);

    public Task UpdateVisibilityAsync(ReceivedQueueMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken) => Inner.UpdateVisibilityAsync(message, visibilityTimeout, cancellationToken);

    public Task SendMessageAsync(string queueName, string messageText, CancellationToken cancellationToken) => Inner.SendMessageAsync(queueName, messageText, cancellationToken);
}

/// <summary>One DevHost with the test worker, shared by the golden tests that do not disturb each other.</summary>
public sealed class SharedTestWorkerFixture : IAsyncLifetime
{
    internal TestWorkerHost Worker { get; private set; } = null!;

    public async Task InitializeAsync() => Worker = await TestWorkerHost.StartAsync(TimeProvider.System);

    public async Task DisposeAsync() => await Worker.DisposeAsync();
}
