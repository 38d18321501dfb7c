using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Gateway;

/// <summary>
/// Discord's gateway v10 on <c>ws://127.0.0.1:PORT/gateway</c> (JSON, no compression): Hello, Identify → READY and
/// GUILD_CREATE, heartbeats, Resume with replay, the bot's op 4 answered with VOICE_STATE_UPDATE and
/// VOICE_SERVER_UPDATE, Discord's close codes; plus scripted faults and a record of everything for tests.
/// One lock guards it all, as in <see cref="State.SandboxState"/>: a bot's traffic, consistent reads. This file holds the
/// state and its lifetime; each concern is a part beside it (sessions, connections, dispatch, voice, faults, records).
/// </summary>
public sealed partial class GatewayDouble : IDisposable
{
    public const string Path = "/gateway";

    /// <summary>GUILD_VOICE_STATES: without it Discord sends no VOICE_STATE_UPDATE, not even the bot's own.</summary>
    public const int GuildVoiceStatesIntent = 1 << 7;

    private const int MaxSessionsKept = 1000;

    private readonly Lock _lock = new();
    private readonly SandboxContext _sandbox;
    private readonly SandboxGatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<string> _sessionOrder = new();
    private readonly Dictionary<long, GatewayConnection> _connections = [];
    private readonly List<DateTimeOffset> _heartbeats = [];
    private readonly ObservedLog<GatewayReceivedPayload> _received;
    private readonly ObservedLog<GatewaySentPayload> _sent;
    private readonly ObservedLog<GatewaySessionStart> _sessionStarts;
    private readonly ObservedLog<GatewayConnectionEnded> _ended;
    private readonly ObservedLog<GatewayVoiceRequest> _voiceRequests;
    private long _nextConnectionId = 1;
    private int _identifies;
    private int _resumes;
    private int _identifiesInWindow;
    private DateTimeOffset? _windowStart;
    private int _identifiesToFail;
    private int _voiceRequestsToIgnore;
    private bool _acknowledgeNewConnections = true;
    private VoiceEventOrder _voiceEventOrder;
    private TimeSpan? _nullVoiceEndpointFor;
    private string _voiceEndpoint;

    internal GatewayDouble(SandboxContext sandbox, ILogger<GatewayDouble> logger)
    {
        _sandbox = sandbox;
        _options = sandbox.Options.Gateway;
        _time = _options.TimeProvider;
        _logger = logger;
        _voiceEventOrder = _options.VoiceEventOrder;
        _nullVoiceEndpointFor = _options.NullVoiceEndpointFor;
        _voiceEndpoint = _options.VoiceEndpoint;
        _received = new(_options.MaxRecorded, "received payload");
        _sent = new(_options.MaxRecorded, "sent payload");
        _sessionStarts = new(_options.MaxRecorded, "READY or RESUMED");
        _ended = new(_options.MaxRecorded, "ended connection");
        _voiceRequests = new(_options.MaxRecorded, "op 4 voice request");
    }

    /// <summary><c>ws://127.0.0.1:PORT/gateway</c>: <c>url</c> of <c>GET /gateway/bot</c> and READY's <c>resume_gateway_url</c>.</summary>
    public string Url => "ws" + _sandbox.BaseUrl["http".Length..] + Path;

    public SandboxGatewayOptions Options => _options;

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }

    /// <summary>Drops every connection so the server can stop without waiting for clients.</summary>
    internal void Stop()
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            foreach (var connection in _connections.Values.Where(connection => connection.IsOpen))
            {
                connection.AbortNow();
            }

            _stopping.Cancel();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} opened ({Query})")]
        public static partial void Connected(ILogger logger, long connectionId, string query);

        [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} READY: session {SessionId}, shard [{ShardId}, {ShardCount}], intents {Intents}")]
        public static partial void Ready(ILogger logger, long connectionId, string sessionId, int shardId, int shardCount, int intents);

        [LoggerMessage(EventId = 52, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} RESUMED session {SessionId}, {Replayed} dispatches replayed")]
        public static partial void Resumed(ILogger logger, long connectionId, string sessionId, int replayed);

        [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} closing with {Code}: {Reason}")]
        public static partial void Closing(ILogger logger, long connectionId, int code, string reason);

        [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "Gateway connection {ConnectionId} ended: {InitiatedBy}, code {Code}")]
        public static partial void Ended(ILogger logger, long connectionId, GatewayCloseInitiator initiatedBy, int code);

        [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "Op 4 for guild {GuildId}, channel {ChannelId} gets no answer: {Reason}")]
        public static partial void VoiceRequestIgnored(ILogger logger, ulong guildId, ulong channelId, string reason);
    }
}
