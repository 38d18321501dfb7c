using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Lavalink;

/// <summary>
/// Sessions, players and the playback clock behind the double. It outlives the web host, so a stopped and
/// restarted double still knows its sessions (and resumable ones can be resumed). One lock guards it all:
/// the state is tiny and this keeps event order exactly the order of the changes that caused them.
/// </summary>
internal sealed class LavalinkEngine
{
    private const string SessionIdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, Queue<TrackFault>> _faults = [];
    private readonly List<LavalinkEmittedEvent> _events = [];
    private readonly long _startedAt;
    private long _nextEventSequence;

    public LavalinkEngine(LavalinkDoubleOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Tracks = new SyntheticTracks(options);
        Recorder = new CallRecorder(options.MaxRecordedCalls);
        _startedAt = Time.GetTimestamp();
    }

    public LavalinkDoubleOptions Options { get; }

    public TimeProvider Time { get; }

    public SyntheticTracks Tracks { get; }

    public CallRecorder Recorder { get; }

    private double Speed => Options.PlaybackSpeed;

    // ---- WebSocket sessions ----

    /// <summary>Picks the session for a handshake: the named one if it can be resumed, else a new one.</summary>
    public (Session Session, bool Resumed) OpenSession(ulong userId, string? clientName, string? resumeSessionId)
    {
        lock (_lock)
        {
            if (resumeSessionId is not null
                && _sessions.TryGetValue(resumeSessionId, out var existing)
                && existing is { Resuming: true, Connection: null, Attaching: false }
                && !HasExpired(existing))
            {
                existing.Expiry?.Dispose();
                existing.Expiry = null;
                existing.Attaching = true;
                existing.ClientName = clientName;
                return (existing, true);
            }

            string id;
            do
            {
                id = new string(RandomNumberGenerator.GetItems(SessionIdAlphabet.AsSpan(), 16));
            }
            while (_sessions.ContainsKey(id));

            var session = new Session(id, userId, clientName) { Attaching = true };
            _sessions.Add(id, session);
            return (session, false);
        }
    }

    /// <summary>Sends <c>ready</c>, then replays what was queued while disconnected, before any new message.</summary>
    public void Attach(Session session, Connection connection, bool resumed)
    {
        lock (_lock)
        {
            session.Attaching = false;
            connection.Send(Serialize(new ReadyOpWire { Resumed = resumed, SessionId = session.Id }, LavalinkJsonContext.Wire.ReadyOpWire));
            while (session.Pending.TryDequeue(out var message))
            {
                connection.Send(message);
            }

            session.Connection = connection;
            session.DisconnectedAt = null;
            connection.PlayerUpdates = Time.CreateTimer(_ => SendPlayerUpdates(session, connection), null, Options.PlayerUpdateInterval, Options.PlayerUpdateInterval);
            connection.Stats = Time.CreateTimer(_ => SendStats(session, connection), null, Options.StatsInterval, Options.StatsInterval);
        }
    }

    /// <summary>
    /// The WebSocket is gone. A resumable session keeps playing and queues events until its timeout;
    /// any other session ends, and with it its players (Lavalink closes their voice connections).
    /// </summary>
    public void Detach(Session session, Connection? connection)
    {
        lock (_lock)
        {
            connection?.DisposeTimers();
            if (!ReferenceEquals(session.Connection, connection))
            {
                return;
            }

            session.Connection = null;
            session.Attaching = false;
            if (!session.Resuming || !_sessions.ContainsKey(session.Id))
            {
                RemoveSession(session);
                return;
            }

            session.DisconnectedAt = Time.GetUtcNow();
            session.Expiry?.Dispose();
            session.Expiry = Time.CreateTimer(_ => ExpireSession(session), null, session.Timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Drops every WebSocket abruptly (as a crashed server would); the sessions stay.</summary>
    public IReadOnlyList<Connection> TakeConnections()
    {
        lock (_lock)
        {
            return [.. _sessions.Values.Select(session => session.Connection).OfType<Connection>()];
        }
    }

    public Session? FindSession(string sessionId)
    {
        lock (_lock)
        {
            return _sessions.GetValueOrDefault(sessionId);
        }
    }

    public SessionUpdateWire UpdateSession(Session session, bool? resuming, long? timeoutSeconds)
    {
        lock (_lock)
        {
            if (resuming is { } r)
            {
                session.Resuming = r;
            }

            if (timeoutSeconds is { } t)
            {
                session.Timeout = TimeSpan.FromSeconds(t);
            }

            return new SessionUpdateWire { Resuming = session.Resuming, Timeout = (long)session.Timeout.TotalSeconds };
        }
    }

    private bool HasExpired(Session session) =>
        session.DisconnectedAt is { } at && Time.GetUtcNow() - at >= session.Timeout;

    private void ExpireSession(Session session)
    {
        lock (_lock)
        {
            if (session.Connection is null && !session.Attaching && HasExpired(session))
            {
                RemoveSession(session);
            }
        }
    }

    private void RemoveSession(Session session)
    {
        session.Expiry?.Dispose();
        session.Expiry = null;
        session.Pending.Clear();
        foreach (var player in session.Players.Values)
        {
            player.Generation++;
            player.EndTimer?.Dispose();
        }

        session.Players.Clear();
        _sessions.Remove(session.Id);
    }

    // ---- Players ----

    public PlayerWire? GetPlayer(Session session, ulong guildId)
    {
        lock (_lock)
        {
            return session.Players.TryGetValue(guildId, out var player) ? ToWire(player) : null;
        }
    }

    public List<PlayerWire> GetPlayers(Session session)
    {
        lock (_lock)
        {
            return [.. session.Players.Values.OrderBy(player => player.GuildId).Select(ToWire)];
        }
    }

    public void DestroyPlayer(Session session, ulong guildId)
    {
        lock (_lock)
        {
            if (!session.Players.Remove(guildId, out var player))
            {
                return;
            }

            if (player.Track is { } track)
            {
                // Lavaplayer's destroy stops the track with CLEANUP, and that end event still goes out.
                EmitTrackEnd(player, track, "cleanup");
            }

            player.Track = null;
            player.Generation++;
            player.EndTimer?.Dispose();
        }
    }

    /// <summary>Applies a validated PATCH the way Lavalink's PlayerRestHandler does, in its order.</summary>
    public PlayerWire UpdatePlayer(Session session, ulong guildId, PlayerPatch patch, bool noReplace)
    {
        lock (_lock)
        {
            if (!session.Players.TryGetValue(guildId, out var player))
            {
                player = new Player(session, guildId);
                session.Players.Add(guildId, player);
            }

            if (patch.Voice is { } voice)
            {
                // Lavalink (re)connects whenever it is given a voice state; the double connects at once.
                Rebase(player);
                player.Voice = voice;
                player.Connected = true;
            }

            if (patch.Filters is { } filters)
            {
                player.Filters = filters;
            }

            if (patch.Volume is { } volume)
            {
                player.Volume = volume;
            }

            var startedTrack = false;
            if (patch.SetsTrack && !(noReplace && player.Track is not null))
            {
                if (patch.Track is { } track)
                {
                    StartTrack(player, track, patch.Position ?? 0, patch.EndTime, patch.Paused ?? false);
                    startedTrack = true;
                }
                else
                {
                    StopTrack(player);
                }
            }
            else if (patch.UserData is { } userData && player.Track is { } current)
            {
                player.Track = new TrackWire { Encoded = current.Encoded, Info = current.Info, UserData = userData };
            }

            if (!startedTrack)
            {
                Rebase(player);
                if (patch.Paused is { } paused)
                {
                    player.Paused = paused;
                }

                if (patch.Position is { } position && player.Track is not null)
                {
                    player.AnchorPositionMs = Math.Clamp(position, 0, Limit(player));
                }

                if (patch.SetsEndTime)
                {
                    player.EndTimeMs = patch.EndTime;
                }
            }

            Reschedule(player);
            return ToWire(player);
        }
    }

    private void StartTrack(Player player, TrackWire track, long startMs, long? endTimeMs, bool paused)
    {
        if (player.Track is { } old)
        {
            EmitTrackEnd(player, old, "replaced");
        }

        player.Track = track;
        player.AnchorPositionMs = Math.Clamp(startMs, 0, track.Info.Length);
        player.AnchorTimestamp = Time.GetTimestamp();
        player.EndTimeMs = endTimeMs;
        player.Paused = paused;
        Emit(player.Session, player.GuildId, "TrackStartEvent", null, track.Info.Title,
            Serialize(new TrackStartEventWire { GuildId = GuildIdText(player), Track = WithPosition(player, track) }, LavalinkJsonContext.Wire.TrackStartEventWire));

        if (!_faults.TryGetValue(player.GuildId, out var faults) || !faults.TryDequeue(out var fault))
        {
            return;
        }

        if (fault.Exception is { } exception)
        {
            // Lavaplayer reports the failure, then ends the track with LOAD_FAILED; clients advance on the end only.
            Emit(player.Session, player.GuildId, "TrackExceptionEvent", exception.Severity, track.Info.Title,
                Serialize(new TrackExceptionEventWire { GuildId = GuildIdText(player), Track = WithPosition(player, track), Exception = exception }, LavalinkJsonContext.Wire.TrackExceptionEventWire));
            EmitTrackEnd(player, track, "loadFailed");
            player.Track = null;
            player.AnchorPositionMs = 0;
        }
        else
        {
            // Lavalink only reports a stuck track; the track stays and the client decides.
            Emit(player.Session, player.GuildId, "TrackStuckEvent", null, track.Info.Title,
                Serialize(new TrackStuckEventWire { GuildId = GuildIdText(player), Track = WithPosition(player, track), ThresholdMs = fault.StuckThresholdMs }, LavalinkJsonContext.Wire.TrackStuckEventWire));
        }
    }

    private void StopTrack(Player player)
    {
        if (player.Track is { } track)
        {
            EmitTrackEnd(player, track, "stopped");
        }

        player.Track = null;
        player.AnchorPositionMs = 0;
        player.EndTimeMs = null;
    }

    // ---- The playback clock ----

    /// <summary>Only a connected, unpaused player plays: without a voice connection Lavaplayer's frames go nowhere.</summary>
    private static bool IsAdvancing(Player player) => player.Track is not null && player.Connected && !player.Paused;

    private static long Limit(Player player) =>
        player.Track is { } track ? Math.Min(player.EndTimeMs ?? long.MaxValue, track.Info.Length) : 0;

    private long PositionOf(Player player)
    {
        if (player.Track is null)
        {
            return 0;
        }

        if (!IsAdvancing(player))
        {
            return player.AnchorPositionMs;
        }

        var played = Time.GetElapsedTime(player.AnchorTimestamp).TotalMilliseconds * Speed;
        var position = player.AnchorPositionMs + played;
        return (long)Math.Min(position, Limit(player));
    }

    /// <summary>Freezes the position reached so far as the new anchor, before anything that changes the rate.</summary>
    private void Rebase(Player player)
    {
        player.AnchorPositionMs = PositionOf(player);
        player.AnchorTimestamp = Time.GetTimestamp();
    }

    private void Reschedule(Player player)
    {
        player.EndTimer?.Dispose();
        player.EndTimer = null;
        var generation = ++player.Generation;
        if (!IsAdvancing(player) || player.Track!.Info.IsStream)
        {
            return;
        }

        var remainingMs = Limit(player) - PositionOf(player);
        // At least 1 ms: a zero due time may fire inside CreateTimer, while this lock is held mid-change.
        var due = TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(remainingMs / Speed)));
        player.EndTimer = Time.CreateTimer(_ => OnTrackMayHaveEnded(player, generation), null, due, Timeout.InfiniteTimeSpan);
    }

    private void OnTrackMayHaveEnded(Player player, int generation)
    {
        lock (_lock)
        {
            if (player.Generation != generation || player.Track is not { } track)
            {
                return;
            }

            if (PositionOf(player) < Limit(player))
            {
                // Woken a moment early (clock granularity): wait for the rest.
                Reschedule(player);
                return;
            }

            EmitTrackEnd(player, track, "finished");
            player.Track = null;
            player.AnchorPositionMs = 0;
            player.EndTimeMs = null;
            Reschedule(player);
        }
    }

    // ---- Periodic ops ----

    private void SendPlayerUpdates(Session session, Connection connection)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(session.Connection, connection))
            {
                return;
            }

            foreach (var player in session.Players.Values.Where(player => player.Connected).OrderBy(player => player.GuildId))
            {
                connection.Send(Serialize(new PlayerUpdateOpWire { GuildId = GuildIdText(player), State = StateOf(player) }, LavalinkJsonContext.Wire.PlayerUpdateOpWire));
            }
        }
    }

    private void SendStats(Session session, Connection connection)
    {
        lock (_lock)
        {
            if (ReferenceEquals(session.Connection, connection))
            {
                connection.Send(Serialize(StatsOf(includeFrameStats: true) with { Op = "stats" }, LavalinkJsonContext.Wire.StatsWire));
            }
        }
    }

    public StatsWire Stats()
    {
        lock (_lock)
        {
            return StatsOf(includeFrameStats: false);
        }
    }

    private StatsWire StatsOf(bool includeFrameStats)
    {
        var players = _sessions.Values.SelectMany(session => session.Players.Values).ToList();
        var playing = players.Count(IsAdvancing);
        return new StatsWire
        {
            Players = players.Count,
            PlayingPlayers = playing,
            Uptime = (long)Time.GetElapsedTime(_startedAt).TotalMilliseconds,
            Memory = new MemoryWire { Free = 100_000_000, Used = 50_000_000, Allocated = 150_000_000, Reservable = 1_000_000_000 },
            Cpu = new CpuWire { Cores = Environment.ProcessorCount, SystemLoad = 0.1, LavalinkLoad = 0.01 },
            // 3000 frames a minute per playing player: 20 ms Opus frames.
            FrameStats = includeFrameStats && playing > 0 ? new FrameStatsWire { Sent = 3000 * playing, Nulled = 0, Deficit = 0 } : null,
        };
    }

    // ---- Scripted faults ----

    public void EnqueueFault(ulong guildId, TrackFault fault)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(guildId, out var queue))
            {
                _faults[guildId] = queue = new Queue<TrackFault>();
            }

            queue.Enqueue(fault);
        }
    }

    /// <summary>Reports that Discord closed the guild's voice WebSocket; false when no session has that player.</summary>
    public bool CloseVoice(ulong guildId, int code, string reason, bool byRemote, bool disconnect)
    {
        lock (_lock)
        {
            var player = FindPlayer(guildId);
            if (player is null)
            {
                return false;
            }

            Emit(player.Session, guildId, "WebSocketClosedEvent", code.ToString(CultureInfo.InvariantCulture), null,
                Serialize(new WebSocketClosedEventWire { GuildId = GuildIdText(player), Code = code, Reason = reason, ByRemote = byRemote }, LavalinkJsonContext.Wire.WebSocketClosedEventWire));
            if (disconnect)
            {
                // The voice connection is gone until the client sends a voice state again.
                Rebase(player);
                player.Connected = false;
                Reschedule(player);
            }

            return true;
        }
    }

    // ---- Observations ----

    public List<LavalinkPlayerSnapshot> PlayerSnapshots()
    {
        lock (_lock)
        {
            return [.. _sessions.Values.SelectMany(session => session.Players.Values).OrderBy(player => player.GuildId).Select(Snapshot)];
        }
    }

    public List<LavalinkSessionSnapshot> SessionSnapshots()
    {
        lock (_lock)
        {
            return [.. _sessions.Values.Select(session => new LavalinkSessionSnapshot(
                session.Id, session.UserId, session.ClientName, session.Connection is not null, session.Resuming, session.Timeout, session.Pending.Count, session.Players.Count))];
        }
    }

    public List<LavalinkEmittedEvent> EventSnapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }

    private Player? FindPlayer(ulong guildId) =>
        _sessions.Values.OrderBy(session => session.Connection is null).Select(session => session.Players.GetValueOrDefault(guildId)).FirstOrDefault(player => player is not null);

    private LavalinkPlayerSnapshot Snapshot(Player player) => new(
        player.Session.Id,
        player.GuildId,
        player.Track is { } track ? new LavalinkTrackSnapshot(track.Info.Title, track.Info.Identifier, track.Encoded, track.Info.Length, track.Info.IsStream, track.Info.SourceName) : null,
        PositionOf(player),
        player.Paused,
        player.Volume,
        player.Connected,
        player.Voice is { } voice ? new LavalinkVoiceSnapshot(voice.Token, voice.Endpoint, voice.SessionId, voice.ChannelId) : null);

    // ---- Wire ----

    private PlayerWire ToWire(Player player) => new()
    {
        GuildId = GuildIdText(player),
        Track = player.Track is { } track ? WithPosition(player, track) : null,
        Volume = player.Volume,
        Paused = player.Paused,
        State = StateOf(player),
        Voice = player.Voice ?? new VoiceWire(),
        Filters = player.Filters,
    };

    private PlayerStateWire StateOf(Player player) => new()
    {
        Time = Time.GetUtcNow().ToUnixTimeMilliseconds(),
        Position = PositionOf(player),
        Connected = player.Connected,
        Ping = player.Connected ? 0 : -1,
    };

    private TrackWire WithPosition(Player player, TrackWire track) => new()
    {
        Encoded = track.Encoded,
        Info = track.Info with { Position = ReferenceEquals(player.Track, track) ? PositionOf(player) : track.Info.Position },
        PluginInfo = track.PluginInfo,
        UserData = track.UserData,
    };

    private void EmitTrackEnd(Player player, TrackWire track, string reason) =>
        Emit(player.Session, player.GuildId, "TrackEndEvent", reason, track.Info.Title,
            Serialize(new TrackEndEventWire { GuildId = GuildIdText(player), Track = WithPosition(player, track), Reason = reason }, LavalinkJsonContext.Wire.TrackEndEventWire));

    /// <summary>Delivers an event now, queues it for a resume, or (no resuming) loses it, as Lavalink does.</summary>
    private void Emit(Session session, ulong guildId, string type, string? reason, string? title, byte[] message)
    {
        _events.Add(new LavalinkEmittedEvent(_nextEventSequence++, session.Id, guildId, type, reason, title, System.Text.Encoding.UTF8.GetString(message), Time.GetUtcNow()));
        if (_events.Count > Options.MaxRecordedCalls)
        {
            _events.RemoveAt(0);
        }

        if (session.Connection is { } connection)
        {
            connection.Send(message);
        }
        else if (session.Resuming || session.Attaching)
        {
            session.Pending.Enqueue(message);
        }
    }

    private static string GuildIdText(Player player) => player.GuildId.ToString(CultureInfo.InvariantCulture);

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>Forgets every session and player and stops their timers.</summary>
    public void EndAllSessions()
    {
        lock (_lock)
        {
            foreach (var session in _sessions.Values.ToList())
            {
                session.Connection?.DisposeTimers();
                RemoveSession(session);
            }
        }
    }

    /// <summary>A fault waiting for the guild's next track: an exception, or a stuck report.</summary>
    internal sealed record TrackFault(ExceptionWire? Exception, long StuckThresholdMs);

    /// <summary>A validated PATCH body; <see cref="SetsTrack"/> with a null <see cref="Track"/> stops playback.</summary>
    internal sealed record PlayerPatch
    {
        public bool SetsTrack { get; init; }

        public TrackWire? Track { get; init; }

        public JsonElement? UserData { get; init; }

        public long? Position { get; init; }

        /// <summary>Whether <c>endTime</c> was sent: sent as null clears it, left out keeps it.</summary>
        public bool SetsEndTime { get; init; }

        public long? EndTime { get; init; }

        public int? Volume { get; init; }

        public bool? Paused { get; init; }

        public JsonElement? Filters { get; init; }

        public VoiceWire? Voice { get; init; }
    }

    internal sealed class Session(string id, ulong userId, string? clientName)
    {
        public string Id { get; } = id;

        public ulong UserId { get; } = userId;

        public string? ClientName { get; set; } = clientName;

        public bool Resuming { get; set; }

        /// <summary>Lavalink's default resume timeout: 60 s.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        public Connection? Connection { get; set; }

        /// <summary>Between handshake and <c>ready</c>: events wait in <see cref="Pending"/> so none is lost.</summary>
        public bool Attaching { get; set; }

        public DateTimeOffset? DisconnectedAt { get; set; }

        public ITimer? Expiry { get; set; }

        public Queue<byte[]> Pending { get; } = new();

        public Dictionary<ulong, Player> Players { get; } = [];
    }

    internal sealed class Player(Session session, ulong guildId)
    {
        public Session Session { get; } = session;

        public ulong GuildId { get; } = guildId;

        public TrackWire? Track { get; set; }

        /// <summary>Position at <see cref="AnchorTimestamp"/>; while playing, the position grows from it at the playback speed.</summary>
        public long AnchorPositionMs { get; set; }

        public long AnchorTimestamp { get; set; }

        public long? EndTimeMs { get; set; }

        public int Volume { get; set; } = 100;

        public bool Paused { get; set; }

        public VoiceWire? Voice { get; set; }

        public bool Connected { get; set; }

        public JsonElement Filters { get; set; } = LavalinkJson.EmptyObject;

        public ITimer? EndTimer { get; set; }

        /// <summary>Bumped on every reschedule so a timer from before a change does nothing.</summary>
        public int Generation { get; set; }
    }

    /// <summary>One accepted WebSocket: an outbox drained by a single writer, so messages keep their order.</summary>
    internal sealed class Connection(WebSocket socket)
    {
        private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

        public WebSocket Socket { get; } = socket;

        public ITimer? PlayerUpdates { get; set; }

        public ITimer? Stats { get; set; }

        public void Send(byte[] message) => _outbox.Writer.TryWrite(message);

        public void Abort()
        {
            _outbox.Writer.TryComplete();
            Socket.Abort();
        }

        public void DisposeTimers()
        {
            PlayerUpdates?.Dispose();
            Stats?.Dispose();
        }

        /// <summary>Runs until the client closes or the socket is aborted. Lavalink v4 clients send nothing, so input is drained.</summary>
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sending = SendLoopAsync(stop.Token);
            try
            {
                var buffer = new byte[4096];
                while (Socket.State == WebSocketState.Open)
                {
                    var received = await Socket.ReceiveAsync(buffer, stop.Token);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        _outbox.Writer.TryComplete();
                        await sending;
                        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        return;
                    }
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Aborted by StopAsync or the client vanished: nothing to tell anyone.
            }
            finally
            {
                _outbox.Writer.TryComplete();
                await stop.CancelAsync();
                try
                {
                    await sending;
                }
                catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The send side ends with the socket.
                }
            }
        }

        private async Task SendLoopAsync(CancellationToken cancellationToken)
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
    }
}
