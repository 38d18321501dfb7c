using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway;
using Serverless.Discord.Rest;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.Gateway;

/// <summary>A shard (or manager) wired to the scripted gateway, a fake clock, an in-memory session store and captured logs.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public const string Token = "MTIzNDU2.SECRET-gateway-token.abcdef";
    public const string SessionId = "session-1";
    public static readonly Uri GatewayUrl = new("wss://gateway.test/");
    public const string ResumeUrl = "wss://resume.test/";

    /// <summary>Long enough that no scheduled beat interferes unless a test wants one (first beat at 300 s with jitter 0.5).</summary>
    public const int QuietHeartbeatMs = 600_000;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    public GatewayHarness(double random = 0.5)
    {
        Random = new FixedRandom(random);
        Connector = new ScriptedGatewayConnector(Clock);
        LoggerFactory = new ProviderLoggerFactory(Logs);
    }

    public GatewayTestClock Clock { get; } = new();

    public ScriptedGatewayConnector Connector { get; }

    public InMemoryGatewaySessionStore Store { get; } = new();

    public RecordingDispatchHandler Handler { get; } = new();

    /// <summary>Where a manager made by <see cref="CreateManager"/> attaches its shards; the way gateway commands go out.</summary>
    public GatewayShardRegistry Registry { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public ILoggerFactory LoggerFactory { get; }

    public Random Random { get; }

    public GatewayOptions Options { get; } = new();

    /// <summary>The shards' and manager's metrics, on a meter of this harness's own (tests listen to it alone).</summary>
    public GatewayMetrics Metrics => _metrics ??= new GatewayMetrics(_meterFactory, Registry);

    private readonly Serverless.TestSupport.Telemetry.TestMeterFactory _meterFactory = new();
    private GatewayMetrics? _metrics;

    public CancellationToken Stopping => _stop.Token;

    public GatewayIdentifyLimiter CreateLimiter(int remaining = 1000, int total = 1000, int maxConcurrency = 1, TimeSpan? resetAfter = null) =>
        new(new GatewaySessionStartLimit(total, remaining, resetAfter ?? TimeSpan.FromHours(20), maxConcurrency), Clock, new Logger<GatewayIdentifyLimiter>(LoggerFactory));

    public GatewayShardClient CreateShard(int shardId = 0, int shardCount = 1, GatewayIdentifyLimiter? limiter = null, DiscordCredentials? credentials = null) =>
        new(shardId, shardCount, GatewayUrl, credentials ?? new DiscordCredentials(Token), Options, Connector, limiter ?? CreateLimiter(), Store, Handler, Clock, Random,
            new Logger<GatewayShardClient>(LoggerFactory), Metrics);

    public GatewayShardManager CreateManager(GatewayBotInfo info) =>
        new(new FixedGatewayBotInfo(info), Connector, Store, Handler, Registry, new DiscordCredentials(Token), Options, null, Clock, Random, LoggerFactory, Metrics);

    /// <summary>Starts <paramref name="run"/> with the harness's stopping token; the returned task ends when it returns.</summary>
    public Task Run(Func<CancellationToken, Task> run)
    {
        var running = run(_stop.Token);
        _running.Add(running);
        return running;
    }

    public Task Run(GatewayShardClient shard) => Run(shard.RunAsync);

    /// <summary>Starts it without waiting; disposal stops and awaits it.</summary>
    public void Start(GatewayShardClient shard) => Run(shard);

    public void Start(Func<CancellationToken, Task> run) => Run(run);

    public void Stop() => _stop.Cancel();

    /// <summary>Takes the next connection, says Hello and returns once the client identified on it.</summary>
    public async Task<(ScriptedGatewayConnection Connection, SentPayload Identify)> ConnectAndIdentifyAsync(int heartbeatMs = QuietHeartbeatMs)
    {
        var connection = await Connector.NextConnectionAsync();
        connection.SendHello(heartbeatMs);
        var identify = await connection.NextSentAsync(GatewayOpcode.Identify);
        return (connection, identify);
    }

    /// <summary>Connects, identifies and answers READY (sequence 1); returns once the shard handled it.</summary>
    public async Task<ScriptedGatewayConnection> ReadyAsync(int heartbeatMs = QuietHeartbeatMs)
    {
        var (connection, _) = await ConnectAndIdentifyAsync(heartbeatMs);
        connection.SendReady(1, SessionId, ResumeUrl);
        await Handler.WaitForSequenceAsync(1);
        return connection;
    }

    public static async Task WaitForStateAsync(GatewayShardClient shard, GatewayShardState state)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(GatewayShardClient _, GatewayShardState now)
        {
            if (now == state)
            {
                reached.TrySetResult();
            }
        }

        shard.StateChanged += OnChanged;
        try
        {
            if (shard.State == state)
            {
                return;
            }

            await reached.Task.WaitAsync(Safety.Timeout);
        }
        finally
        {
            shard.StateChanged -= OnChanged;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await Task.WhenAll(_running).WaitAsync(Safety.Timeout);
        }
        finally
        {
            _stop.Dispose();
            _meterFactory.Dispose();
        }
    }

    private sealed class FixedGatewayBotInfo(GatewayBotInfo info) : IGatewayBotInfoSource
    {
        public Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken) => Task.FromResult(info);
    }
}
