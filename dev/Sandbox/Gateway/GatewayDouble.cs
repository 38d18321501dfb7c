using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Gateway;

/// <summary>
/// Discord's gateway v10 on <c>ws://127.0.0.1:PORT/gateway</c> (JSON, no compression): Hello, Identify → READY and
/// GUILD_CREATE, heartbeats, Resume with replay, the bot's op 4 answered with VOICE_STATE_UPDATE and
/// VOICE_SERVER_UPDATE, Discord's close codes; plus scripted faults and a record of everything for tests.
/// One lock guards it all, as in <see cref="SandboxState"/>: a bot's traffic, consistent reads.
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

    /// <summary>Identify payloads received with the right token (scripted failures included).</summary>
    public int IdentifyCount
    {
        get
        {
            lock (_lock)
            {
                return _identifies;
            }
        }
    }

    /// <summary>Resume payloads received with the right token, whether or not the session could be resumed.</summary>
    public int ResumeCount
    {
        get
        {
            lock (_lock)
            {
                return _resumes;
            }
        }
    }

    /// <summary>When each op 1 from a client arrived (gateway clock), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> HeartbeatsReceived
    {
        get
        {
            lock (_lock)
            {
                return [.. _heartbeats];
            }
        }
    }

    public IReadOnlyList<GatewayConnectionInfo> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections.Values.Select(c => new GatewayConnectionInfo(c.Id, c.OpenedAt, c.Session?.Id ?? c.LastSessionId, c.ShardId, c.IsOpen, c.Ended))];
            }
        }
    }

    public IReadOnlyList<GatewayReceivedPayload> Received => _received.Snapshot();

    public IReadOnlyList<GatewaySentPayload> Sent => _sent.Snapshot();

    public IReadOnlyList<GatewaySessionStart> SessionStarts => _sessionStarts.Snapshot();

    /// <summary>How each connection ended: who closed first and with which code.</summary>
    public IReadOnlyList<GatewayConnectionEnded> ConnectionsEnded => _ended.Snapshot();

    public IReadOnlyList<GatewayVoiceRequest> VoiceRequests => _voiceRequests.Snapshot();

    /// <summary>The order of the two answers to the next op 4 (starts as <see cref="SandboxGatewayOptions.VoiceEventOrder"/>).</summary>
    public VoiceEventOrder VoiceEventOrder
    {
        get
        {
            lock (_lock)
            {
                return _voiceEventOrder;
            }
        }

        set
        {
            lock (_lock)
            {
                _voiceEventOrder = value;
            }
        }
    }

    /// <summary>See <see cref="SandboxGatewayOptions.NullVoiceEndpointFor"/>; null sends the real endpoint at once.</summary>
    public TimeSpan? NullVoiceEndpointFor
    {
        get
        {
            lock (_lock)
            {
                return _nullVoiceEndpointFor;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value ?? TimeSpan.Zero, TimeSpan.Zero);
            lock (_lock)
            {
                _nullVoiceEndpointFor = value;
            }
        }
    }

    public string VoiceEndpoint
    {
        get
        {
            lock (_lock)
            {
                return _voiceEndpoint;
            }
        }

        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            lock (_lock)
            {
                _voiceEndpoint = value;
            }
        }
    }

    // ---- Users in voice ----

    /// <summary>
    /// Puts a user (not the bot: it joins with op 4) into a voice channel of the guild, moves them, or takes them out
    /// (<paramref name="channelId"/> null), then dispatches VOICE_STATE_UPDATE to the sessions of the shard owning
    /// the guild. Later GUILD_CREATEs and <c>GET /guilds/{id}/voice-states/{user}</c> show the same state.
    /// </summary>
    /// <returns>The user's voice state now; null when out of voice.</returns>
    /// <exception cref="ArgumentException">The bot's id, or a channel that is not a voice channel of the guild.</exception>
    public SandboxVoiceState? SetUserVoiceChannel(ulong guildId, ulong userId, ulong? channelId, bool selfMute = false, bool selfDeaf = false)
    {
        if (userId == _sandbox.State.BotUserId)
        {
            throw new ArgumentException("The bot joins voice by sending op 4 on the gateway, not through this method.", nameof(userId));
        }

        lock (_lock)
        {
            var (current, previous) = _sandbox.State.SetVoiceChannel(guildId, userId, channelId, NewVoiceSessionId, selfMute, selfDeaf);
            if (current is not null || previous is not null)
            {
                DispatchVoiceStateLocked(guildId, userId, current, previous, selfMute, selfDeaf);
            }

            return current;
        }
    }

    /// <summary>
    /// A moderator disconnects the bot from voice in the guild: its voice state goes and VOICE_STATE_UPDATE with a
    /// null channel is dispatched, as Discord does. (Discord also closes the voice connection with 4014; the Lavalink
    /// double's <c>CloseVoiceConnection</c> plays that part.)
    /// </summary>
    /// <returns>False when the bot was in no voice channel there.</returns>
    public bool DisconnectBotFromVoice(ulong guildId)
    {
        lock (_lock)
        {
            var (_, previous) = _sandbox.State.SetVoiceChannel(guildId, _sandbox.State.BotUserId, null, NewVoiceSessionId);
            if (previous is null)
            {
                return false;
            }

            DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, null, previous, previous.SelfMute, previous.SelfDeaf);
            return true;
        }
    }

    // ---- Scripted faults ----

    /// <summary>
    /// Heartbeats on the open connections get no ACK from now on (a zombied connection); with
    /// <paramref name="includingNewConnections"/>, later connections too. By default a client that reconnects is
    /// answered again, which is what a zombie-recovery test wants.
    /// </summary>
    public void StopAcknowledgingHeartbeats(bool includingNewConnections = false)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                connection.Zombie = true;
            }

            if (includingNewConnections)
            {
                _acknowledgeNewConnections = false;
            }
        }
    }

    public void ResumeAcknowledgingHeartbeats()
    {
        lock (_lock)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Zombie = false;
            }

            _acknowledgeNewConnections = true;
        }
    }

    /// <summary>Ends every open connection without a close frame. Sessions stay resumable.</summary>
    /// <returns>How many connections were dropped.</returns>
    public int DropConnections()
    {
        lock (_lock)
        {
            var open = OpenConnectionsLocked();
            foreach (var connection in open)
            {
                connection.Drop();
            }

            return open.Count;
        }
    }

    /// <summary>Sends op 7 Reconnect to every open connection: the client should close, reconnect and resume.</summary>
    public void SendReconnect() => SendToOpen(7, null);

    /// <summary>
    /// Sends op 9 Invalid Session to every open connection. With <paramref name="resumable"/> false the sessions are
    /// gone: resuming them gets op 9 <c>d:false</c> again, and the client must identify (the same connection may).
    /// </summary>
    public void SendInvalidSession(bool resumable)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                SendLocked(connection, 9, resumable ? MessageJson.True : MessageJson.False);
                if (!resumable && connection.Session is { } session)
                {
                    InvalidateLocked(session);
                }
            }
        }
    }

    /// <summary>Closes every open connection with <paramref name="code"/>; codes that end a session (4004, 4007, 4009, 4010–4014) invalidate it.</summary>
    public void CloseConnections(int code, string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 4999);
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                CloseLocked(connection, code, reason ?? "Closed by the sandbox.");
            }
        }
    }

    /// <summary>The next <paramref name="count"/> identifies (with the right token) get op 9 <c>d:false</c> instead of READY.</summary>
    public void FailNextIdentifies(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _identifiesToFail = count;
        }
    }

    /// <summary>The next <paramref name="count"/> op 4 requests are recorded but get no answer, as when the channel is full.</summary>
    public void IgnoreNextVoiceRequests(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _voiceRequestsToIgnore = count;
        }
    }

    /// <summary>Sends op 1 to every open connection: Discord asking for a heartbeat now.</summary>
    public void RequestHeartbeat() => SendToOpen(1, null);

    /// <summary>
    /// Dispatches VOICE_SERVER_UPDATE with a new token for the guild: a null <paramref name="endpoint"/> says the voice
    /// server went away, a new one says it moved.
    /// </summary>
    public void SendVoiceServerUpdate(ulong guildId, string? endpoint)
    {
        lock (_lock)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", VoiceServerData(guildId, endpoint), requiredIntent: null);
        }
    }

    /// <summary>Dispatches any event to the sessions of the shard owning <paramref name="guildId"/> (shard 0 when null).</summary>
    public void Dispatch(string eventName, JsonElement data, ulong? guildId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        lock (_lock)
        {
            if (guildId is { } guild)
            {
                DispatchToGuildLocked(guild, eventName, data.Clone(), requiredIntent: null);
                return;
            }

            foreach (var session in LiveSessionsLocked().Where(session => session.ShardId == 0))
            {
                DispatchLocked(session, eventName, data.Clone());
            }
        }
    }

    /// <summary>Forgets what was recorded (payloads, session starts, ends, voice requests, heartbeats); counters stay.</summary>
    public void ClearRecords()
    {
        lock (_lock)
        {
            _heartbeats.Clear();
        }

        _received.Clear();
        _sent.Clear();
        _sessionStarts.Clear();
        _ended.Clear();
        _voiceRequests.Clear();
    }

    // ---- Waiting ----

    /// <summary>Completes when a connection gets READY or RESUMED matching <paramref name="predicate"/> (any when null), or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewaySessionStart> WaitForSessionAsync(Func<GatewaySessionStart, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _sessionStarts.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);

    /// <summary>Completes when a client sends op <paramref name="op"/> matching <paramref name="predicate"/>, or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayReceivedPayload> WaitForOpAsync(int op, Func<GatewayReceivedPayload, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _received.WaitAsync(payload => payload.Op == op && (predicate is null || predicate(payload)), timeout, cancellationToken);

    /// <summary>Completes when a connection ends matching <paramref name="predicate"/>, or at once if one did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayConnectionEnded> WaitForConnectionEndedAsync(Func<GatewayConnectionEnded, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _ended.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);

    /// <summary>Completes when the bot sends an op 4 matching <paramref name="predicate"/>, or at once if it did.</summary>
    /// <exception cref="TimeoutException">None within <paramref name="timeout"/> (real time).</exception>
    public Task<GatewayVoiceRequest> WaitForVoiceRequestAsync(Func<GatewayVoiceRequest, bool>? predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _voiceRequests.WaitAsync(predicate ?? (_ => true), timeout, cancellationToken);

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

    /// <summary>What <c>GET /gateway/bot</c> reports: identifies left in the current 24 h window and when it resets.</summary>
    internal (int Remaining, TimeSpan ResetAfter) SessionStartBudget()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            RollIdentifyWindowLocked(now);
            var resetAfter = _windowStart is { } start ? TimeSpan.FromDays(1) - (now - start) : TimeSpan.FromDays(1);
            return (Math.Max(0, _options.SessionStartLimit - _identifiesInWindow), resetAfter);
        }
    }

    // ---- One connection ----

    internal async Task RunConnectionAsync(HttpContext http, WebSocket socket)
    {
        using var receiveStop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, http.RequestAborted);
        GatewayConnection connection;
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            connection = new GatewayConnection(_nextConnectionId++, socket, http, _time.GetUtcNow(), receiveStop) { Zombie = !_acknowledgeNewConnections };
            _connections.Add(connection.Id, connection);
            TrimConnectionsLocked();
        }

        Log.Connected(_logger, connection.Id, http.Request.QueryString.Value ?? "");
        var writer = connection.RunWriterAsync();
        try
        {
            lock (_lock)
            {
                if (QueryProblem(http.Request.Query) is { } problem)
                {
                    CloseLocked(connection, problem.Code, problem.Reason);
                }
                else
                {
                    SendLocked(connection, 10, Data(new HelloWire { HeartbeatInterval = (long)_options.HeartbeatInterval.TotalMilliseconds }, SandboxJsonContext.Wire.HelloWire));
                }
            }

            await ReceiveAsync(connection);
        }
        finally
        {
            connection.CompleteWriter();
            await writer;
            EndConnection(connection);
        }
    }

    private async Task ReceiveAsync(GatewayConnection connection)
    {
        var socket = connection.Socket;
        var buffer = new byte[_options.MaxPayloadBytes + 1];
        var length = 0;
        var discarding = false;
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(discarding ? 0 : length), connection.ReceiveToken);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                lock (_lock)
                {
                    connection.ReceiveFailed();
                }

                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                lock (_lock)
                {
                    connection.ClientClosed(socket.CloseStatus, socket.CloseStatusDescription);
                }

                return;
            }

            if (discarding)
            {
                discarding = !result.EndOfMessage;
                continue;
            }

            length += result.Count;
            if (length > _options.MaxPayloadBytes)
            {
                lock (_lock)
                {
                    CloseLocked(connection, 4002, "Error while decoding payload: larger than 4096 bytes.");
                }

                discarding = !result.EndOfMessage;
                length = 0;
                continue;
            }

            if (!result.EndOfMessage)
            {
                continue;
            }

            var message = buffer.AsMemory(0, length);
            length = 0;
            lock (_lock)
            {
                if (!connection.Closing)
                {
                    HandleLocked(connection, message.Span, result.MessageType);
                }
            }
        }
    }

    private void EndConnection(GatewayConnection connection)
    {
        GatewayConnectionEnded ended;
        lock (_lock)
        {
            var (by, code, reason) = connection.Ending ?? (GatewayCloseInitiator.ClientDropped, null, null);
            var session = connection.Session;
            if (session is not null)
            {
                if (session.Connection == connection)
                {
                    session.Connection = null;
                }

                // Discord: closing with 1000 or 1001 ends the session (the bot goes offline); anything else may resume.
                if (by == GatewayCloseInitiator.Client && code is 1000 or 1001)
                {
                    InvalidateLocked(session);
                }
            }

            ended = new GatewayConnectionEnded(connection.Id, session?.Id ?? connection.LastSessionId, by, code, reason, _time.GetUtcNow());
            connection.Ended = ended;
        }

        _ended.Add(_ => ended);
        Log.Ended(_logger, connection.Id, ended.InitiatedBy, ended.CloseCode ?? 0);
    }

    private static (int Code, string Reason)? QueryProblem(IQueryCollection query)
    {
        if (query["v"].ToString() != "10")
        {
            return (4012, "Invalid API version: the sandbox speaks gateway v10 only.");
        }

        if (query.TryGetValue("encoding", out var encoding) && encoding.ToString() != "json")
        {
            return (4002, "The sandbox gateway speaks encoding=json only.");
        }

        // Transport compression would make every frame unreadable to a client expecting it; refuse it plainly.
        if (query.ContainsKey("compress"))
        {
            return (4000, "The sandbox gateway does not compress; connect without compress=.");
        }

        return null;
    }

    // ---- What a client sends ----

    private void HandleLocked(GatewayConnection connection, ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        var now = _time.GetUtcNow();
        if (!connection.TryCountReceive(now, _options.ClientSendLimit))
        {
            CloseLocked(connection, 4008, "You are being rate limited.");
            return;
        }

        if (type != WebSocketMessageType.Text || !TryParse(message, out var op, out var data))
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        _received.Add(index => new GatewayReceivedPayload(index, connection.Id, op, data, now));
        switch (op)
        {
            case 1:
                _heartbeats.Add(now);
                if (_heartbeats.Count > _options.MaxRecorded)
                {
                    _heartbeats.RemoveAt(0);
                }

                if (!connection.Zombie)
                {
                    SendLocked(connection, 11, null);
                }

                return;
            case 2:
                IdentifyLocked(connection, data, now);
                return;
            case 6:
                ResumeLocked(connection, data, now);
                return;
            case 3 or 4 or 8 or 31 or 43 when connection.Session is null:
                CloseLocked(connection, 4003, "Not authenticated.");
                return;
            case 4:
                VoiceStateUpdateLocked(connection, data, now);
                return;
            case 3 or 8 or 31 or 43:
                // Presence, member and soundboard requests: accepted and recorded; nothing the sandbox answers yet.
                return;
            default:
                CloseLocked(connection, 4001, "Unknown opcode.");
                return;
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> message, out int op, out JsonElement? data)
    {
        op = 0;
        data = null;
        try
        {
            using var document = JsonDocument.Parse(message.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !TryInt32(opElement, out op))
            {
                return false;
            }

            data = root.TryGetProperty("d", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void IdentifyLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (connection.Session is not null)
        {
            CloseLocked(connection, 4005, "Already authenticated.");
            return;
        }

        if (data is not { ValueKind: JsonValueKind.Object } d)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        if (!IsBotToken(d))
        {
            CloseLocked(connection, 4004, "Authentication failed.");
            return;
        }

        if (!d.TryGetProperty("intents", out var intentsElement) || !TryInt32(intentsElement, out var intents) || intents < 0)
        {
            CloseLocked(connection, 4013, "Invalid intent(s).");
            return;
        }

        var (shardId, shardCount) = (0, 1);
        if (d.TryGetProperty("shard", out var shard) && shard.ValueKind != JsonValueKind.Null)
        {
            if (shard.ValueKind != JsonValueKind.Array || shard.GetArrayLength() != 2
                || !TryInt32(shard[0], out shardId) || !TryInt32(shard[1], out shardCount)
                || shardCount < 1 || shardId < 0 || shardId >= shardCount)
            {
                CloseLocked(connection, 4010, "Invalid shard.");
                return;
            }
        }

        if (shardCount < _options.ShardCount)
        {
            CloseLocked(connection, 4011, "Sharding required.");
            return;
        }

        _identifies++;
        RollIdentifyWindowLocked(now);
        _windowStart ??= now;
        _identifiesInWindow++;
        if (_identifiesToFail > 0)
        {
            _identifiesToFail--;
            SendLocked(connection, 9, MessageJson.False);
            return;
        }

        var session = new GatewaySession(RandomNumberGenerator.GetHexString(32, lowercase: true), shardId, shardCount, intents, _options.ReplayBufferSize);
        AddSessionLocked(session);
        AttachLocked(connection, session);

        var guildIds = _sandbox.State.GuildIds().Where(session.Owns).ToList();
        var ready = new ReadyWire
        {
            User = UserWire.ForBot(_sandbox.State.BotUserId),
            Guilds = [.. guildIds.Select(id => new UnavailableGuildWire { Id = WireText.Snowflake(id) })],
            SessionId = session.Id,
            ResumeGatewayUrl = Url,
            Shard = [shardId, shardCount],
            Application = new ApplicationReferenceWire { Id = WireText.Snowflake(_sandbox.Options.ApplicationId), Flags = _options.ApplicationFlags },
        };
        DispatchLocked(session, "READY", Data(ready, SandboxJsonContext.Wire.ReadyWire));
        foreach (var guildId in guildIds)
        {
            if (GuildCreateData(guildId, session) is { } guildCreate)
            {
                DispatchLocked(session, "GUILD_CREATE", guildCreate);
            }
        }

        _sessionStarts.Add(index => new GatewaySessionStart(index, connection.Id, session.Id, shardId, shardCount, intents, Resumed: false, now));
        Log.Ready(_logger, connection.Id, session.Id, shardId, shardCount, intents);
    }

    private void ResumeLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (connection.Session is not null)
        {
            CloseLocked(connection, 4005, "Already authenticated.");
            return;
        }

        if (data is not { ValueKind: JsonValueKind.Object } d)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        if (!IsBotToken(d))
        {
            CloseLocked(connection, 4004, "Authentication failed.");
            return;
        }

        _resumes++;
        var sessionId = d.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
        var sequence = d.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var s) ? s : 0;
        if (!_sessions.TryGetValue(sessionId, out var session) || session.Invalidated || session.After(sequence) is not { } missed)
        {
            SendLocked(connection, 9, MessageJson.False);
            return;
        }

        // The session moves to the new connection; Discord ends the old one.
        if (session.Connection is { } old && old != connection)
        {
            old.Drop();
        }

        AttachLocked(connection, session);
        foreach (var dispatch in missed)
        {
            if (connection.TrySend(dispatch.Frame))
            {
                _sent.Add(index => new GatewaySentPayload(index, connection.Id, session.Id, 0, dispatch.EventName, dispatch.Sequence, dispatch.Data, now));
            }
        }

        DispatchLocked(session, "RESUMED", Data(new ResumedWire(), SandboxJsonContext.Wire.ResumedWire));
        _sessionStarts.Add(index => new GatewaySessionStart(index, connection.Id, session.Id, session.ShardId, session.ShardCount, session.Intents, Resumed: true, now));
        Log.Resumed(_logger, connection.Id, session.Id, missed.Count);
    }

    private bool IsBotToken(JsonElement identifyOrResume) =>
        identifyOrResume.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
        && string.Equals(token.GetString(), _sandbox.Options.BotToken, StringComparison.Ordinal);

    // ---- Voice ----

    private void VoiceStateUpdateLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (data is not { ValueKind: JsonValueKind.Object } d || !TryReadSnowflake(d, "guild_id", out var guildId) || guildId is not { } guild)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        TryReadSnowflake(d, "channel_id", out var channelId);
        var selfMute = d.TryGetProperty("self_mute", out var mute) && mute.ValueKind == JsonValueKind.True;
        var selfDeaf = d.TryGetProperty("self_deaf", out var deaf) && deaf.ValueKind == JsonValueKind.True;

        string? ignoredBecause = null;
        if (_voiceRequestsToIgnore > 0)
        {
            _voiceRequestsToIgnore--;
            ignoredBecause = "scripted: IgnoreNextVoiceRequests";
        }
        else
        {
            var botId = _sandbox.State.BotUserId;
            try
            {
                var (current, previous) = _sandbox.State.SetVoiceChannel(guild, botId, channelId, NewVoiceSessionId, selfMute, selfDeaf);
                AnswerBotVoiceLocked(guild, current, previous, selfMute, selfDeaf);
            }
            catch (ArgumentException exception)
            {
                ignoredBecause = exception.Message;
                Log.VoiceRequestIgnored(_logger, guild, channelId ?? 0, exception.Message);
            }
        }

        _voiceRequests.Add(_ => new GatewayVoiceRequest(connection.Id, guild, channelId, selfMute, selfDeaf, now, ignoredBecause));
    }

    private void AnswerBotVoiceLocked(ulong guildId, SandboxVoiceState? current, SandboxVoiceState? previous, bool selfMute, bool selfDeaf)
    {
        if (current is null)
        {
            // Leaving: only the voice state, with a null channel. Not being in voice already still gets it.
            DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, null, previous, selfMute, selfDeaf);
            return;
        }

        var nullFirst = _nullVoiceEndpointFor;
        var server = VoiceServerData(guildId, nullFirst is null ? _voiceEndpoint : null);
        if (_voiceEventOrder == VoiceEventOrder.ServerFirst)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", server, requiredIntent: null);
        }

        DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, current, previous, selfMute, selfDeaf);
        if (_voiceEventOrder == VoiceEventOrder.StateFirst)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", server, requiredIntent: null);
        }

        if (nullFirst is { } delay)
        {
            _ = SendAllocatedEndpointLaterAsync(guildId, current.SessionId, delay);
        }
    }

    /// <summary>The real endpoint after the scripted null one, unless the bot has left or moved since.</summary>
    private async Task SendAllocatedEndpointLaterAsync(ulong guildId, string voiceSessionId, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (_sandbox.State.GetVoiceState(guildId, _sandbox.State.BotUserId)?.SessionId == voiceSessionId)
            {
                DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", VoiceServerData(guildId, _voiceEndpoint), requiredIntent: null);
            }
        }
    }

    private void DispatchVoiceStateLocked(ulong guildId, ulong userId, SandboxVoiceState? current, SandboxVoiceState? previous, bool selfMute, bool selfDeaf)
    {
        // A user who leaves keeps the session id they had; one who was never in voice gets a fresh one.
        var state = current ?? previous ?? new SandboxVoiceState(guildId, userId, 0, NewVoiceSessionId(), selfMute, selfDeaf);
        var member = MemberWire.From(guildId, userId, _sandbox.State.GetMemberRoles(guildId, userId) ?? [], _sandbox.State.BotUserId);
        var wire = VoiceStateWire.From(state with { SelfMute = selfMute, SelfDeaf = selfDeaf }, current?.ChannelId, member, withGuildId: true);
        DispatchToGuildLocked(guildId, "VOICE_STATE_UPDATE", Data(wire, SandboxJsonContext.Wire.VoiceStateWire), GuildVoiceStatesIntent);
    }

    private static JsonElement VoiceServerData(ulong guildId, string? endpoint) => Data(
        new VoiceServerUpdateWire { Token = RandomNumberGenerator.GetHexString(16, lowercase: true), GuildId = WireText.Snowflake(guildId), Endpoint = endpoint },
        SandboxJsonContext.Wire.VoiceServerUpdateWire);

    private static string NewVoiceSessionId() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>Like <see cref="JsonElement.TryGetInt32(out int)"/>, but false instead of throwing for a non-number.</summary>
    private static bool TryInt32(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    private static bool TryReadSnowflake(JsonElement data, string name, out ulong? id)
    {
        id = null;
        if (!data.TryGetProperty(name, out var value))
        {
            return false;
        }

        // Snowflakes as string or number, as tolerant readers accept them.
        if (value.ValueKind == JsonValueKind.String && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out parsed))
        {
            id = parsed;
            return true;
        }

        return value.ValueKind == JsonValueKind.Null;
    }

    private JsonElement? GuildCreateData(ulong guildId, GatewaySession session)
    {
        if (_sandbox.State.GetGuildSnapshot(guildId) is not { } snapshot)
        {
            return null;
        }

        var bot = _sandbox.State.BotUserId;
        var withVoice = session.HasIntent(GuildVoiceStatesIntent);
        var wire = new GuildCreateWire
        {
            Id = WireText.Snowflake(guildId),
            OwnerId = WireText.Snowflake(snapshot.Guild.OwnerId),
            Roles = GuildWire.RolesOf(snapshot.Guild),
            JoinedAt = WireText.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds((long)(guildId >> 22) + SnowflakeGenerator.DiscordEpochMilliseconds)),
            MemberCount = snapshot.Members.Count,
            Channels = [.. snapshot.Channels.Select(ChannelWire.From)],
            Members = [.. snapshot.Members.Select(member => MemberWire.From(guildId, member.UserId, member.RoleIds, bot))],
            // Inside GUILD_CREATE voice states leave out guild_id, as Discord's do.
            VoiceStates = withVoice ? [.. snapshot.VoiceStates.Select(state => VoiceStateWire.From(state, state.ChannelId, null, withGuildId: false))] : [],
        };
        return Data(wire, SandboxJsonContext.Wire.GuildCreateWire);
    }

    // ---- Sending ----

    private void DispatchToGuildLocked(ulong guildId, string eventName, JsonElement data, int? requiredIntent)
    {
        foreach (var session in LiveSessionsLocked().Where(session => session.Owns(guildId) && (requiredIntent is not { } intent || session.HasIntent(intent))))
        {
            DispatchLocked(session, eventName, data);
        }
    }

    /// <summary>Gives the dispatch the session's next sequence number, keeps it for replay, and sends it if a connection holds the session.</summary>
    private void DispatchLocked(GatewaySession session, string eventName, JsonElement data)
    {
        var sequence = session.NextSequence();
        var frame = Frame(0, data, sequence, eventName);
        session.Buffer(new BufferedDispatch(sequence, eventName, data, frame));
        var connection = session.Connection;
        var sent = connection?.TrySend(frame) ?? false;
        var now = _time.GetUtcNow();
        _sent.Add(index => new GatewaySentPayload(index, sent ? connection!.Id : null, session.Id, 0, eventName, sequence, data, now));
    }

    private void SendLocked(GatewayConnection connection, int op, JsonElement? data)
    {
        if (connection.TrySend(Frame(op, data, null, null)))
        {
            var now = _time.GetUtcNow();
            _sent.Add(index => new GatewaySentPayload(index, connection.Id, connection.Session?.Id, op, null, null, data, now));
        }
    }

    private void SendToOpen(int op, JsonElement? data)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                SendLocked(connection, op, data);
            }
        }
    }

    private void CloseLocked(GatewayConnection connection, int code, string reason)
    {
        if (connection.Closing)
        {
            return;
        }

        connection.Close(code, reason);
        if (connection.Session is { } session && code is 4004 or 4007 or 4009 or (>= 4010 and <= 4014))
        {
            InvalidateLocked(session);
        }

        Log.Closing(_logger, connection.Id, code, reason);
    }

    private static byte[] Frame(int op, JsonElement? data, long? sequence, string? eventName) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new GatewayPayloadWire { Op = op, Data = data, Sequence = sequence, EventName = eventName },
            SandboxJsonContext.Wire.GatewayPayloadWire);

    private static JsonElement Data<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToElement(value, typeInfo);

    // ---- Bookkeeping ----

    private List<GatewayConnection> OpenConnectionsLocked() => [.. _connections.Values.Where(connection => connection.IsOpen && !connection.Closing)];

    private List<GatewaySession> LiveSessionsLocked() => [.. _sessions.Values.Where(session => !session.Invalidated)];

    private static void AttachLocked(GatewayConnection connection, GatewaySession session)
    {
        connection.Session = session;
        connection.LastSessionId = session.Id;
        connection.ShardId = session.ShardId;
        session.Connection = connection;
    }

    private static void InvalidateLocked(GatewaySession session)
    {
        session.Invalidated = true;
        if (session.Connection is { } connection)
        {
            connection.Session = null;
        }

        session.Connection = null;
    }

    private void AddSessionLocked(GatewaySession session)
    {
        _sessions.Add(session.Id, session);
        _sessionOrder.Enqueue(session.Id);
        while (_sessionOrder.Count > MaxSessionsKept)
        {
            _sessions.Remove(_sessionOrder.Dequeue());
        }
    }

    private void TrimConnectionsLocked()
    {
        foreach (var id in _connections.Where(pair => !pair.Value.IsOpen).Select(pair => pair.Key).Take(Math.Max(0, _connections.Count - _options.MaxRecorded)).ToList())
        {
            _connections.Remove(id);
        }
    }

    private void RollIdentifyWindowLocked(DateTimeOffset now)
    {
        if (_windowStart is { } start && now - start >= TimeSpan.FromDays(1))
        {
            _windowStart = null;
            _identifiesInWindow = 0;
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
