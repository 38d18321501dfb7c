using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway;
using Serverless.Discord.Hosting;
using Serverless.Ports.Sessions;
using Serverless.Sandbox.Gateway;
using Serverless.Sandbox.Hosting;
using Serverless.TestSupport;

namespace Serverless.Discord.Tests.Gateway;

/// <summary>
/// The real gateway client (manager, shard, <see cref="ClientWebSocketGatewayConnector"/>, <see cref="TimeProvider.System"/>,
/// bot info from the Sandbox's <c>GET /gateway/bot</c> through the real REST client) against the Sandbox's gateway double,
/// wired as the companion wires it. Every assertion is on what the Sandbox recorded; waits are on recorded events.
/// </summary>
public sealed class GatewayAgainstSandboxTests : IAsyncLifetime
{
    // Real time: long enough that a loaded CI machine does not miss ACKs (a zombie close) or delay one beat into the next.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>A safety net only. Op 9 d:false alone may take 5 s (1-5 s wait, 5 s identify bucket) on a busy machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ObservedSessionStore _store = new();
    private readonly List<RunningClient> _clients = [];
    private SandboxServer _sandbox = null!;

    private GatewayDouble Gateway => _sandbox.Gateway;

    public async Task InitializeAsync() =>
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Port = 0,
            Gateway = new SandboxGatewayOptions { HeartbeatInterval = Interval },
            ConfigureLogging = _ => { },
        });

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task Identify_GetsReady_AndHeartbeatsArriveAtTheInterval()
    {
        var client = Start();
        var ready = await ReadyAsync(client);
        Assert.False(ready.Resumed);
        var opened = Gateway.Connections.Single(connection => connection.Id == ready.ConnectionId).OpenedAt;

        // Four beats, each awaited as the Sandbox records it.
        var lastIndex = -1L;
        for (var beat = 0; beat < 4; beat++)
        {
            var received = await Gateway.WaitForOpAsync(GatewayOpcode.Heartbeat, payload => payload.Index > lastIndex, Timeout);
            lastIndex = received.Index;
        }

        var beats = Gateway.HeartbeatsReceived;
        Assert.True(beats.Count >= 4, $"{beats.Count} heartbeats");
        Assert.True(beats[0] >= opened, "the first beat came before the connection opened");
        // Loose on purpose: a busy machine delays a beat (or the Sandbox's reading of it), and the client's fixed-rate
        // schedule then sends the next one on time, so two beats may be seen close together. What the client never
        // does is beat too often overall, or send a burst of beats.
        var span = beats[^1] - beats[0];
        Assert.True(span >= (beats.Count - 1) * Interval * 0.75, $"{beats.Count} beats within {span.TotalMilliseconds:0} ms");
        for (var i = 2; i < beats.Count; i++)
        {
            Assert.True(beats[i] - beats[i - 2] >= Interval / 2, $"beats {i - 2} to {i} within {(beats[i] - beats[i - 2]).TotalMilliseconds:0} ms");
        }

        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(0, Gateway.ResumeCount);
        Assert.Single(Gateway.Connections);
        var shard = Assert.Single(client.Manager.Shards);
        Assert.Equal(GatewayShardState.Ready, shard.State);
        Assert.Equal(_sandbox.BotUserId, shard.BotUserId);
        await client.Handler.WaitForAsync(dispatch => dispatch.Type == "READY", Timeout);
        Assert.Equal(ready.SessionId, (await _store.WaitForSavedAsync(session => session.SessionId == ready.SessionId, Timeout)).SessionId);
    }

    [Fact]
    public async Task DroppedSocket_Resumes_AndDispatchesContinue()
    {
        var client = Start();
        var ready = await ReadyAsync(client);

        Assert.Equal(1, Gateway.DropConnections());

        var resumed = await Gateway.WaitForSessionAsync(start => start.Resumed, Timeout);
        Assert.Equal(ready.SessionId, resumed.SessionId);
        Assert.NotEqual(ready.ConnectionId, resumed.ConnectionId);
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(1, Gateway.ResumeCount);

        // The dropped connection's end is recorded by its own receive loop, which may finish after the resume.
        var ended = await Gateway.WaitForConnectionEndedAsync(null, Timeout);
        Assert.Single(Gateway.ConnectionsEnded);
        Assert.Equal(GatewayCloseInitiator.ServerDropped, ended.InitiatedBy);

        await ExpectCustomDispatchAsync(client);
    }

    [Fact]
    public async Task Zombie_ClientClosesWith4000_AndResumes()
    {
        var client = Start();
        var ready = await ReadyAsync(client);

        Gateway.StopAcknowledgingHeartbeats();

        var ended = await Gateway.WaitForConnectionEndedAsync(end => end.ConnectionId == ready.ConnectionId, Timeout);
        Assert.Equal(GatewayCloseInitiator.Client, ended.InitiatedBy);
        Assert.Equal(GatewayShardClient.ResumableCloseCode, ended.CloseCode);
        Assert.NotEqual(1000, ended.CloseCode);
        Assert.NotEqual(1001, ended.CloseCode);

        var resumed = await Gateway.WaitForSessionAsync(start => start.Resumed, Timeout);
        Assert.Equal(ready.SessionId, resumed.SessionId);
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(1, Gateway.ResumeCount);
        await ExpectCustomDispatchAsync(client);
    }

    [Fact]
    public async Task Reconnect_Op7_ClosesResumably_AndResumes()
    {
        var ready = await ReadyAsync(Start());

        Gateway.SendReconnect();

        var ended = await Gateway.WaitForConnectionEndedAsync(end => end.ConnectionId == ready.ConnectionId, Timeout);
        Assert.Equal(GatewayCloseInitiator.Client, ended.InitiatedBy);
        Assert.Equal(GatewayShardClient.ResumableCloseCode, ended.CloseCode);
        var resumed = await Gateway.WaitForSessionAsync(start => start.Resumed, Timeout);
        Assert.Equal(ready.SessionId, resumed.SessionId);
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(1, Gateway.ResumeCount);
    }

    [Fact]
    public async Task InvalidSession_NotResumable_IdentifiesAgain_AndReplacesTheSavedSession()
    {
        var client = Start();
        var first = await ReadyAsync(client);

        Gateway.SendInvalidSession(resumable: false);

        var second = await Gateway.WaitForSessionAsync(start => start.SessionId != first.SessionId, Timeout);
        Assert.False(second.Resumed);
        Assert.Equal(2, Gateway.IdentifyCount);
        Assert.Equal(0, Gateway.ResumeCount);
        var saved = await _store.WaitForSavedAsync(session => session.SessionId == second.SessionId, Timeout);
        Assert.Equal(second.SessionId, _store.Inner[0]!.SessionId);
        Assert.Equal(Gateway.Url, saved.ResumeGatewayUrl.TrimEnd('/'));
        await ExpectCustomDispatchAsync(client);
    }

    [Fact]
    public async Task InvalidSession_Resumable_Resumes()
    {
        var ready = await ReadyAsync(Start());

        Gateway.SendInvalidSession(resumable: true);

        var resumed = await Gateway.WaitForSessionAsync(start => start.Resumed, Timeout);
        Assert.Equal(ready.SessionId, resumed.SessionId);
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(1, Gateway.ResumeCount);
    }

    [Fact]
    public async Task Close4004_WithNoNewToken_WaitsForOne_InsteadOfStoppingOrReconnecting()
    {
        var client = Start();
        await ReadyAsync(client);

        Gateway.CloseConnections(4004);

        var shard = Assert.Single(client.Manager.Shards);
        await GatewayHarness.WaitForStateAsync(shard, GatewayShardState.WaitingForToken);
        Assert.Contains("4004", shard.Problem, StringComparison.Ordinal);
        Assert.False(client.Running.IsCompleted);
        Assert.Single(Gateway.ConnectionsEnded);
        Assert.Equal(1, Gateway.IdentifyCount);
    }

    [Fact]
    public async Task TokenRotated_AndWrittenToTheFile_After4004_IdentifiesAgainWithTheNewToken()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bot-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, _sandbox.BotToken + "\n");
        try
        {
            var client = Start(new() { ["Discord:BotTokenFile"] = file, ["Discord:TokenRefreshMinInterval"] = "00:00:01" });
            var first = await ReadyAsync(client);

            var newToken = _sandbox.RotateBotToken("rotated-gateway-token");
            var shard = Assert.Single(client.Manager.Shards);
            await GatewayHarness.WaitForStateAsync(shard, GatewayShardState.WaitingForToken);
            await File.WriteAllTextAsync(file, newToken + "\n");

            var second = await Gateway.WaitForSessionAsync(start => start.SessionId != first.SessionId, Timeout);
            Assert.False(second.Resumed);
            Assert.Equal(2, Gateway.IdentifyCount);
            Assert.Equal(4004, Assert.Single(Gateway.ConnectionsEnded).CloseCode);
            await client.Handler.WaitForAsync(dispatch => dispatch.Type == "READY" && dispatch.Sequence == 1 && dispatch.Data.GetProperty("session_id").GetString() == second.SessionId, Timeout);
            Assert.Contains(client.Logs.Entries, entry => entry.Id.Id == 7119);
            Assert.All(client.Logs.Lines, line => Assert.DoesNotContain("rotated-gateway-token", line, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(4014, "disallowed intents")]
    public async Task FatalClose_FailsTheShard_AndNeverReconnects(int code, string meaning)
    {
        var client = Start();
        await ReadyAsync(client);

        Gateway.CloseConnections(code);

        // The manager returns once its only shard has stopped for good.
        await client.Running.WaitAsync(Timeout);
        var shard = Assert.Single(client.Manager.Shards);
        Assert.Equal(GatewayShardState.Failed, shard.State);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), shard.Problem, StringComparison.Ordinal);
        Assert.Contains(meaning, shard.Problem, StringComparison.Ordinal);
        var ended = Assert.Single(Gateway.ConnectionsEnded);
        Assert.Equal(GatewayCloseInitiator.Server, ended.InitiatedBy);
        Assert.Equal(code, ended.CloseCode);
        Assert.Null(_store.Inner[0]);
        await Assert.ThrowsAsync<GatewayShardFailedException>(() => client.Commands.SendVoiceStateUpdateAsync(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId, false, true, CancellationToken.None).WaitAsync(Timeout));

        // Asserting an absence: a bounded wait of several heartbeat intervals and reconnect back-offs.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(0, Gateway.ResumeCount);
        Assert.Single(Gateway.Connections);
    }

    [Fact]
    public async Task Restart_WithTheSameStore_ResumesThePreviousSession()
    {
        var first = Start();
        var ready = await ReadyAsync(first);

        await first.StopAsync();
        var ended = await Gateway.WaitForConnectionEndedAsync(end => end.ConnectionId == ready.ConnectionId, Timeout);
        Assert.Equal(GatewayCloseInitiator.Client, ended.InitiatedBy);
        Assert.Equal(GatewayShardClient.ResumableCloseCode, ended.CloseCode);
        Assert.Equal(ready.SessionId, _store.Inner[0]!.SessionId);

        var second = Start();
        var resumed = await Gateway.WaitForSessionAsync(start => start.Resumed, Timeout);
        Assert.Equal(ready.SessionId, resumed.SessionId);
        Assert.Equal(1, Gateway.IdentifyCount);
        Assert.Equal(1, Gateway.ResumeCount);
        await second.Handler.WaitForAsync(dispatch => dispatch.Type == "RESUMED", Timeout);
        await ExpectCustomDispatchAsync(second);
    }

    [Fact]
    public async Task VoiceStateUpdate_ReachesTheSandbox_AndBothVoiceDispatchesComeBack()
    {
        var client = Start();
        await ReadyAsync(client);

        await client.Commands.SendVoiceStateUpdateAsync(SandboxDefaults.GuildId, SandboxDefaults.VoiceChannelId, selfMute: false, selfDeaf: true, CancellationToken.None).WaitAsync(Timeout);

        var request = await Gateway.WaitForVoiceRequestAsync(null, Timeout);
        Assert.Equal(SandboxDefaults.GuildId, request.GuildId);
        Assert.Equal(SandboxDefaults.VoiceChannelId, request.ChannelId);
        Assert.True(request.SelfDeaf);
        Assert.False(request.SelfMute);
        Assert.True(request.Answered, request.IgnoredBecause);

        var state = await client.Handler.WaitForAsync(dispatch => dispatch.Type == "VOICE_STATE_UPDATE", Timeout);
        Assert.Equal(_sandbox.BotUserId.ToString(System.Globalization.CultureInfo.InvariantCulture), state.Data.GetProperty("user_id").GetString());
        Assert.Equal(SandboxDefaults.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), state.Data.GetProperty("channel_id").GetString());
        var server = await client.Handler.WaitForAsync(dispatch => dispatch.Type == "VOICE_SERVER_UPDATE", Timeout);
        Assert.Equal(SandboxDefaults.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Data.GetProperty("guild_id").GetString());
        Assert.Equal(Gateway.VoiceEndpoint, server.Data.GetProperty("endpoint").GetString());
        Assert.True(server.Sequence > state.Sequence);
    }

    /// <summary>
    /// The Sandbox sent READY and the client has taken it in (session kept and saved). The Sandbox records READY when
    /// it queues it, so a fault scripted right after that alone could cut the frame off before the client read it.
    /// </summary>
    private async Task<GatewaySessionStart> ReadyAsync(RunningClient client)
    {
        var ready = await Gateway.WaitForSessionAsync(null, Timeout);
        await client.Handler.WaitForAsync(dispatch => dispatch.Type == "READY", Timeout);
        await _store.WaitForSavedAsync(session => session.SessionId == ready.SessionId, Timeout);
        return ready;
    }

    /// <summary>A Sandbox dispatch after the (re)connection reaches the handler.</summary>
    private async Task ExpectCustomDispatchAsync(RunningClient client)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var data = JsonDocument.Parse($$"""{"marker":"{{marker}}"}""");
        Gateway.Dispatch("SANDBOX_TEST_EVENT", data.RootElement);
        var dispatch = await client.Handler.WaitForAsync(
            received => received.Type == "SANDBOX_TEST_EVENT" && received.Data.GetProperty("marker").GetString() == marker, Timeout);
        Assert.Equal(0, dispatch.ShardId);
    }

    /// <summary>A manager composed as the companion composes it, running until the test ends or stops it.</summary>
    private RunningClient Start(Dictionary<string, string?>? settings = null)
    {
        var client = new RunningClient(_sandbox, _store, settings);
        _clients.Add(client);
        return client;
    }

    private sealed class RunningClient : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly CancellationTokenSource _stop = new();

        public RunningClient(SandboxServer sandbox, IGatewaySessionStore store, Dictionary<string, string?>? settings)
        {
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
            // Bound by AddDiscordRest and AddDiscordGateway, as in the companion.
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Discord:BotToken"] = sandbox.BotToken,
                ["Discord:ApiBaseUrl"] = sandbox.ApiBaseUrl,
                ["Discord:Gateway:ReconnectBaseDelay"] = "00:00:00.100",
            }).AddInMemoryCollection(settings ?? []).Build();
            services.AddDiscordRest(configuration);
            services.AddSingleton(store);
            services.AddSingleton<IGatewayDispatchHandler>(Handler);
            services.AddDiscordGateway(configuration);
            _provider = services.BuildServiceProvider();
            Manager = _provider.GetRequiredService<GatewayShardManager>();
            Commands = _provider.GetRequiredService<IGatewayCommandSender>();
            Running = Manager.RunAsync(_stop.Token);
        }

        public CapturingLoggerProvider Logs { get; } = new();

        public ObservedDispatchHandler Handler { get; } = new();

        public GatewayShardManager Manager { get; }

        /// <summary>Op 4 as voice sends it: through the registry the manager attached its shards to.</summary>
        public IGatewayCommandSender Commands { get; }

        public Task Running { get; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Running.WaitAsync(Timeout);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await StopAsync();
            }
            finally
            {
                await _provider.DisposeAsync();
                _stop.Dispose();
            }
        }
    }

    /// <summary>Every dispatch the client handed over, with waits on them.</summary>
    private sealed class ObservedDispatchHandler : IGatewayDispatchHandler
    {
        private readonly Observed<GatewayDispatch> _received = new();

        public Task HandleAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
        {
            _received.Add(dispatch);
            return Task.CompletedTask;
        }

        public Task<GatewayDispatch> WaitForAsync(Func<GatewayDispatch, bool> predicate, TimeSpan timeout) => _received.WaitAsync(predicate, timeout);
    }

    /// <summary>The in-memory store, with a wait on what was saved.</summary>
    private sealed class ObservedSessionStore : IGatewaySessionStore
    {
        private readonly Observed<GatewaySession> _saved = new();

        public InMemoryGatewaySessionStore Inner { get; } = new();

        public Task<GatewaySession?> LoadAsync(int shardId, int shardCount, CancellationToken cancellationToken) => Inner.LoadAsync(shardId, shardCount, cancellationToken);

        public async Task SaveAsync(GatewaySession session, CancellationToken cancellationToken)
        {
            await Inner.SaveAsync(session, cancellationToken);
            _saved.Add(session);
        }

        public Task ClearAsync(int shardId, CancellationToken cancellationToken) => Inner.ClearAsync(shardId, cancellationToken);

        public Task<GatewaySession> WaitForSavedAsync(Func<GatewaySession, bool> predicate, TimeSpan timeout) => _saved.WaitAsync(predicate, timeout);
    }

    private sealed class Observed<T>
    {
        private readonly Lock _lock = new();
        private readonly List<T> _items = [];
        private readonly List<(Func<T, bool> Predicate, TaskCompletionSource<T> Done)> _waiters = [];

        public void Add(T item)
        {
            List<TaskCompletionSource<T>> matched = [];
            lock (_lock)
            {
                _items.Add(item);
                foreach (var waiter in _waiters.Where(waiter => waiter.Predicate(item)).ToList())
                {
                    _waiters.Remove(waiter);
                    matched.Add(waiter.Done);
                }
            }

            foreach (var done in matched)
            {
                done.TrySetResult(item);
            }
        }

        public async Task<T> WaitAsync(Func<T, bool> predicate, TimeSpan timeout)
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                foreach (var item in _items)
                {
                    if (predicate(item))
                    {
                        return item;
                    }
                }

                _waiters.Add((predicate, done));
            }

            try
            {
                return await done.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                lock (_lock)
                {
                    throw new TimeoutException($"Nothing matching within {timeout}; recorded: {_items.Count}.");
                }
            }
        }
    }
}
