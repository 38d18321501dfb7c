using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.Lavalink;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.Lavalink;

/// <summary>Records every callback, in order, for tests to await.</summary>
internal sealed class RecordingEventHandler : ILavalinkEventHandler
{
    public Channel<(string SessionId, bool Resumed)> Ready { get; } = Channel.CreateUnbounded<(string, bool)>();

    public Channel<(ulong GuildId, LavalinkPlayerState State)> PlayerUpdates { get; } = Channel.CreateUnbounded<(ulong, LavalinkPlayerState)>();

    public Channel<LavalinkEvent> Events { get; } = Channel.CreateUnbounded<LavalinkEvent>();

    public Channel<string> Disconnects { get; } = Channel.CreateUnbounded<string>();

    /// <summary>Set to check what the client looks like from inside a callback.</summary>
    public Func<Task>? OnDisconnectedProbe { get; set; }

    public Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken) =>
        Ready.Writer.WriteAsync((sessionId, resumed), cancellationToken).AsTask();

    public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken) =>
        PlayerUpdates.Writer.WriteAsync((guildId, state), cancellationToken).AsTask();

    public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken) =>
        Events.Writer.WriteAsync(lavalinkEvent, cancellationToken).AsTask();

    public async Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken)
    {
        if (OnDisconnectedProbe is { } probe)
        {
            await probe();
        }

        await Disconnects.Writer.WriteAsync(reason, cancellationToken);
    }
}

/// <summary>A <see cref="LavalinkClient"/> built by <c>AddLavalink</c> against a fake server, on a fake clock, logging into memory.</summary>
internal sealed class LavalinkHarness : IAsyncDisposable
{
    public const ulong BotUserId = 111222333444555666;

    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public LavalinkHarness(Uri? url, string? password, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Lavalink:Url"] = url?.ToString(),
            ["Lavalink:Password"] = password,
            ["Lavalink:ClientName"] = "harness-bot/1.2",
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddLavalink(configuration);
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<LavalinkClient>();
        Client.Jitter = () => 1.0;
        Client.ReconnectScheduled = delay => ReconnectDelays.Writer.TryWrite(delay);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public CapturingLoggerProvider Logs { get; } = new();

    public RecordingEventHandler Handler { get; } = new();

    public LavalinkClient Client { get; }

    public IServiceProvider Services => _services;

    public Channel<TimeSpan> ReconnectDelays { get; } = Channel.CreateUnbounded<TimeSpan>();

    public Task RunTask => _run ?? throw new InvalidOperationException("Not started.");

    public static LavalinkHarness For(FakeLavalinkServer server, Action<Dictionary<string, string?>>? configure = null) =>
        new(server.BaseUri, server.Password, configure);

    public void Start(string? resumeSessionId = null) =>
        _run = Client.RunAsync(Task.FromResult(BotUserId), Handler, resumeSessionId, _stop.Token);

    /// <summary>Starts, accepts the first connection and sends ready: the client is then available.</summary>
    public async Task<FakeLavalinkConnection> StartReadyAsync(FakeLavalinkServer server, string sessionId = "session-1")
    {
        Start();
        var connection = await server.NextConnectionAsync();
        await connection.SendReadyAsync(sessionId);
        await NextAsync(Handler.Ready);
        return connection;
    }

    public async Task<TimeSpan> NextReconnectDelayAsync() => await NextAsync(ReconnectDelays);

    public static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await _services.DisposeAsync();
        _stop.Dispose();
    }
}
