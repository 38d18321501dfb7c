using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Discord.Gateway;
using Serverless.Discord.Gateway.Events;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.Voice;

internal sealed record VoiceStateUpdateSent(ulong GuildId, ulong? ChannelId, bool SelfMute, bool SelfDeaf);

/// <summary>Records every op 4 the coordinator asks the gateway to send.</summary>
internal sealed class RecordingGatewayCommandSender : IGatewayCommandSender
{
    private readonly ConcurrentQueue<VoiceStateUpdateSent> _sent = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public IReadOnlyList<VoiceStateUpdateSent> Sent => [.. _sent];

    public Exception? Failure { get; set; }

    public Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken)
    {
        lock (_waiters)
        {
            _sent.Enqueue(new VoiceStateUpdateSent(guildId, channelId, selfMute, selfDeaf));
            foreach (var waiter in _waiters.Where(waiter => _sent.Count >= waiter.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.TrySetResult();
            }
        }

        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }

    /// <summary>
    /// Completes once <paramref name="count"/> op 4s were sent, for sends made by work resumed on the thread pool.
    /// The real-time bound only turns a bug into a failure instead of a hang.
    /// </summary>
    public Task WhenSentAsync(int count)
    {
        lock (_waiters)
        {
            if (_sent.Count >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

internal sealed record PlayerUpdateSent(ulong GuildId, LavalinkPlayerUpdate Update, bool NoReplace);

/// <summary>Records player updates and destroys; can be told to fail like the real client does.</summary>
internal sealed class RecordingLavalinkPlayers : ILavalinkPlayers
{
    private readonly ConcurrentQueue<PlayerUpdateSent> _updates = new();
    private readonly ConcurrentQueue<ulong> _destroyed = new();

    public IReadOnlyList<PlayerUpdateSent> Updates => [.. _updates];

    public IReadOnlyList<LavalinkVoiceState> VoiceUpdates => [.. _updates.Select(update => update.Update.Voice!)];

    public IReadOnlyList<ulong> Destroyed => [.. _destroyed];

    public Exception? UpdateFailure { get; set; }

    public Exception? DestroyFailure { get; set; }

    public bool IsAvailable => true;

    public Task<LoadResult> LoadTracksAsync(string identifier, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Voice never loads tracks.");

    public Task<LavalinkPlayer> UpdatePlayerAsync(ulong guildId, LavalinkPlayerUpdate update, bool noReplace, CancellationToken cancellationToken)
    {
        if (UpdateFailure is { } failure)
        {
            return Task.FromException<LavalinkPlayer>(failure);
        }

        _updates.Enqueue(new PlayerUpdateSent(guildId, update, noReplace));
        return Task.FromResult(new LavalinkPlayer(guildId, null, 100, false, new LavalinkPlayerState(DateTimeOffset.UnixEpoch, 0, true, 0)));
    }

    public Task<LavalinkPlayer?> GetPlayerAsync(ulong guildId, CancellationToken cancellationToken) =>
        Task.FromResult<LavalinkPlayer?>(null);

    public Task DestroyPlayerAsync(ulong guildId, CancellationToken cancellationToken)
    {
        _destroyed.Enqueue(guildId);
        return DestroyFailure is null ? Task.CompletedTask : Task.FromException(DestroyFailure);
    }
}

/// <summary>Gateway dispatch payloads shaped as Discord sends them (snowflakes as strings, extra fields included).</summary>
internal static class VoiceDispatches
{
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement Ready(ulong botUserId) => Json($$"""
        {"v":10,"user":{"id":"{{botUserId}}","username":"music","bot":true},"guilds":[],"session_id":"gateway-session","resume_gateway_url":"wss://resume.invalid","application":{"id":"1","flags":0} }
        """);

    public static JsonElement VoiceState(ulong guildId, ulong userId, ulong? channelId, string sessionId = "voice-session-1", bool isBot = false) => Json($$"""
        {"guild_id":"{{guildId}}","channel_id":{{Snowflake(channelId)}},"user_id":"{{userId}}","session_id":"{{sessionId}}","deaf":false,"mute":false,"self_deaf":false,"self_mute":false,"self_video":false,"suppress":false,"request_to_speak_timestamp":null,
         "member":{"user":{"id":"{{userId}}","username":"u{{userId}}","bot":{{(isBot ? "true" : "false")}} },"roles":[],"joined_at":"2024-01-01T00:00:00+00:00"} }
        """);

    public static JsonElement VoiceServer(ulong guildId, string token, string? endpoint) => Json($$"""
        {"token":"{{token}}","guild_id":"{{guildId}}","endpoint":{{(endpoint is null ? "null" : $"\"{endpoint}\"")}} }
        """);

    public static JsonElement GuildDelete(ulong guildId, bool unavailable) => Json($$"""
        {"id":"{{guildId}}"{{(unavailable ? ",\"unavailable\":true" : "")}}}
        """);

    private static string Snowflake(ulong? id) => id is { } value ? $"\"{value}\"" : "null";
}

/// <summary>A coordinator wired to recording fakes, a fake clock and a capturing logger; the bot is user <see cref="BotUserId"/>.</summary>
internal sealed class VoiceHarness : IDisposable
{
    public const ulong BotUserId = 900;
    public const ulong GuildId = 100;
    public const ulong ChannelId = 200;
    public const ulong OtherChannelId = 201;

    private readonly ILoggerFactory _loggerFactory;
    private readonly GatewayEventDispatcher _dispatcher;
    private long _sequence;

    public VoiceHarness(TimeSpan? connectTimeout = null)
    {
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        Tracker = new VoiceStateTracker(_loggerFactory.CreateLogger<VoiceStateTracker>());
        var options = new VoiceOptions();
        if (connectTimeout is { } timeout)
        {
            options.ConnectTimeout = timeout;
        }

        Coordinator = new VoiceConnectionCoordinator(
            Tracker, Gateway, Lavalink, DiscordVoiceStates, Options.Create(options), Time, _loggerFactory.CreateLogger<VoiceConnectionCoordinator>());
        Coordinator.ConnectionLost += lost => Lost.Enqueue(lost);
        _dispatcher = new GatewayEventDispatcher(
            [Coordinator], [Coordinator], [Coordinator], [Coordinator], [Coordinator], _loggerFactory.CreateLogger<GatewayEventDispatcher>());
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero));

    public RecordingGatewayCommandSender Gateway { get; } = new();

    public RecordingLavalinkPlayers Lavalink { get; } = new();

    public ScriptedVoiceStateLookup DiscordVoiceStates { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public VoiceStateTracker Tracker { get; }

    public VoiceConnectionCoordinator Coordinator { get; }

    public ConcurrentQueue<VoiceConnectionLost> Lost { get; } = new();

    public static LavalinkVoiceState ExpectedVoice(string token, string endpoint, string sessionId, ulong channelId) =>
        new(token, endpoint, sessionId, channelId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Hands a dispatch to the coordinator as the gateway does: read into its typed event by the dispatcher.</summary>
    public Task DispatchAsync(string type, JsonElement data) =>
        _dispatcher.HandleAsync(new GatewayDispatch(0, type, Interlocked.Increment(ref _sequence), data), CancellationToken.None);

    public Task ReadyAsync() => DispatchAsync("READY", VoiceDispatches.Ready(BotUserId));

    public Task BotStateAsync(ulong? channelId, string sessionId = "voice-session-1", ulong guildId = GuildId) =>
        DispatchAsync("VOICE_STATE_UPDATE", VoiceDispatches.VoiceState(guildId, BotUserId, channelId, sessionId, isBot: true));

    public Task UserStateAsync(ulong userId, ulong? channelId, bool isBot = false) =>
        DispatchAsync("VOICE_STATE_UPDATE", VoiceDispatches.VoiceState(GuildId, userId, channelId, $"user-session-{userId}", isBot));

    public Task ServerAsync(string token, string? endpoint = "c-fra01-1234.discord.media:443", ulong guildId = GuildId) =>
        DispatchAsync("VOICE_SERVER_UPDATE", VoiceDispatches.VoiceServer(guildId, token, endpoint));

    /// <summary>READY, then a complete join of <see cref="ChannelId"/> with token <c>token-1</c>.</summary>
    public async Task JoinAsync(ulong guildId = GuildId, ulong channelId = ChannelId)
    {
        await ReadyAsync();
        var connect = Coordinator.ConnectAsync(guildId, channelId, CancellationToken.None);
        await BotStateAsync(channelId, guildId: guildId);
        await ServerAsync("token-1", guildId: guildId);
        await connect;
    }

    public void Dispose() => _loggerFactory.Dispose();
}

/// <summary>Discord's REST answer about members' voice states, as a test sets it; counts the questions.</summary>
internal sealed class ScriptedVoiceStateLookup : IVoiceStateLookup
{
    public Dictionary<(ulong Guild, ulong User), ulong> Channels { get; } = [];

    public int Calls { get; private set; }

    public Task<VoiceMemberState?> GetAsync(ulong guildId, ulong userId, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult<VoiceMemberState?>(Channels.TryGetValue((guildId, userId), out var channel)
            ? new VoiceMemberState(userId, channel, "rest-session", IsBot: null)
            : null);
    }
}
