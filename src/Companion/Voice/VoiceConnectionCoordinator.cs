using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Discord.Gateway;
using Serverless.Discord.Gateway.Events;

namespace Serverless.Companion.Voice;

/// <summary>
/// Joins and leaves voice channels and keeps Lavalink's view of each connection current.
/// <para>
/// A join sends op 4 and waits, on the injected clock, for both of Discord's answers in either order: the bot's own
/// <c>VOICE_STATE_UPDATE</c> for the requested channel (session id) and a <c>VOICE_SERVER_UPDATE</c> with an endpoint
/// (token, endpoint); then it hands all four values to Lavalink. Concurrent joins of the same channel share one
/// attempt. After that every new token or endpoint, a move to another channel and a new voice session are forwarded
/// again; a null channel for the bot (kicked) forgets the connection and raises <see cref="ConnectionLost"/>.
/// </para>
/// <para>
/// It handles the gateway's typed events (<c>READY</c>, <c>GUILD_CREATE</c>, <c>GUILD_DELETE</c>,
/// <c>VOICE_STATE_UPDATE</c> and <c>VOICE_SERVER_UPDATE</c>), on the shard's read loop, and sends op 4 through
/// <see cref="IGatewayCommandSender"/>. Voice tokens and endpoints are never logged; only the endpoint's host is.
/// </para>
/// </summary>
public sealed partial class VoiceConnectionCoordinator(
    VoiceStateTracker tracker,
    IGatewayCommandSender gateway,
    ILavalinkPlayers lavalink,
    IVoiceStateLookup discordVoiceStates,
    IOptions<VoiceOptions> options,
    TimeProvider timeProvider,
    ILogger<VoiceConnectionCoordinator> logger)
    : IVoiceConnections,
    IVoiceConnectionEvents,
    IGatewayEventHandler<GatewayReady>,
    IGatewayEventHandler<GatewayGuildCreate>,
    IGatewayEventHandler<GatewayGuildDelete>,
    IGatewayEventHandler<GatewayVoiceStateUpdate>,
    IGatewayEventHandler<GatewayVoiceServerUpdate>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, GuildConnection> _connections = [];
    private readonly TimeSpan _connectTimeout = options.Value.ConnectTimeout;

    public event Action<ulong>? BotChannelListenersChanged
    {
        add => tracker.BotChannelListenersChanged += value;
        remove => tracker.BotChannelListenersChanged -= value;
    }

    public event Action<VoiceConnectionLost>? ConnectionLost;

    public ulong? FindUserChannel(ulong guildId, ulong userId) => tracker.FindUserChannel(guildId, userId);

    public async Task<ulong?> LocateUserAsync(ulong guildId, ulong userId, CancellationToken cancellationToken)
    {
        var known = tracker.FindUserChannel(guildId, userId);
        if (known is not null || tracker.HasLoaded(guildId))
        {
            return known;
        }

        if (await discordVoiceStates.GetAsync(guildId, userId, cancellationToken) is not { ChannelId: not null } state)
        {
            return null;
        }

        // Later commands and the idle check count this member without asking again.
        tracker.Apply(guildId, state);
        return state.ChannelId;
    }

    public int CountListeners(ulong guildId, ulong channelId) => tracker.CountListeners(guildId, channelId);

    public ulong? BotChannel(ulong guildId) => tracker.BotChannel(guildId);

    /// <summary>Guilds with a voice connection this coordinator made (joined, or still joining).</summary>
    public IReadOnlyList<ulong> ConnectedGuilds
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections.Keys];
            }
        }
    }

    /// <summary>
    /// Joins <paramref name="channelId"/> (or moves there) and hands the voice connection to Lavalink. Already there
    /// with a complete voice state: nothing is sent to Discord. <paramref name="cancellationToken"/> only stops this
    /// caller's wait; the attempt, shared with concurrent callers, ends on its own timeout.
    /// </summary>
    /// <exception cref="VoiceConnectException">Discord did not answer in time, or the join was overtaken by a leave.</exception>
    /// <exception cref="LavalinkUnavailableException">Discord answered but Lavalink could not be told.</exception>
    public async Task ConnectAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken)
    {
        while (true)
        {
            ConnectAttempt? attempt = null;
            Task? otherChannelAttempt = null;
            GuildConnection? alreadyThere = null;
            var startsAttempt = false;
            GuildConnection connection;
            lock (_lock)
            {
                if (!_connections.TryGetValue(guildId, out connection!))
                {
                    connection = new GuildConnection(guildId);
                    _connections[guildId] = connection;
                }

                if (connection.Attempt is { } pending)
                {
                    if (pending.ChannelId == channelId)
                    {
                        attempt = pending;
                    }
                    else
                    {
                        otherChannelAttempt = pending.Completion.Task;
                    }
                }
                else if (connection.HasJoined && connection.ChannelId == channelId && connection.CompleteState() is not null)
                {
                    alreadyThere = connection;
                }
                else
                {
                    attempt = new ConnectAttempt(channelId);
                    connection.Attempt = attempt;
                    startsAttempt = true;
                }
            }

            if (otherChannelAttempt is not null)
            {
                // One join at a time per guild: let the join of the other channel finish (or fail), then move.
                await otherChannelAttempt.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            if (alreadyThere is not null)
            {
                Log.AlreadyConnected(logger, guildId, channelId);
                await ForwardLatestAsync(alreadyThere, force: false, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (startsAttempt)
            {
                _ = RunAttemptAsync(connection, attempt!);
            }
            else
            {
                Log.JoinShared(logger, guildId, channelId);
            }

            await attempt!.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>
    /// Leaves voice in the guild: the connection is forgotten (a pending join fails), op 4 with a null channel is
    /// sent and the Lavalink player destroyed; a player Lavalink does not have (404) or Lavalink being down is fine.
    /// </summary>
    public async Task DisconnectAsync(ulong guildId, CancellationToken cancellationToken)
    {
        GuildConnection? connection;
        lock (_lock)
        {
            _connections.Remove(guildId, out connection);
        }

        if (connection?.Attempt is { HandshakeCompleted: false } pending)
        {
            pending.Handshake.TrySetException(new VoiceConnectException("The join was cancelled because the bot was asked to leave voice."));
        }

        Log.Leaving(logger, guildId, connection?.ChannelId);
        ExceptionDispatchInfo? gatewayFailure = null;
        try
        {
            await gateway.SendVoiceStateUpdateAsync(guildId, null, selfMute: false, selfDeaf: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Still destroy the player below: Lavalink must not keep a connection the bot is trying to drop.
            gatewayFailure = ExceptionDispatchInfo.Capture(exception);
        }

        try
        {
            await lavalink.DestroyPlayerAsync(guildId, cancellationToken).ConfigureAwait(false);
        }
        catch (LavalinkException exception) when (exception.Status == 404)
        {
            Log.PlayerAlreadyGone(logger, guildId);
        }
        catch (LavalinkUnavailableException exception)
        {
            Log.PlayerNotDestroyedLavalinkUnavailable(logger, exception, guildId);
        }

        gatewayFailure?.Throw();
    }

    /// <summary>
    /// For a new Lavalink session (it has no players): sends the last known complete voice state of every joined
    /// guild to Lavalink again. Returns the guilds that Lavalink accepted, whose tracks the music service should now
    /// restore; failures are logged and left out.
    /// </summary>
    public async Task<IReadOnlyList<ulong>> ReforwardAllAsync(CancellationToken cancellationToken)
    {
        List<GuildConnection> joined;
        lock (_lock)
        {
            joined = [.. _connections.Values.Where(connection => connection.ForwardsUpdates && connection.CompleteState() is not null)];
        }

        var reforwarded = new List<ulong>(joined.Count);
        foreach (var connection in joined)
        {
            try
            {
                if (await ForwardLatestAsync(connection, force: true, cancellationToken).ConfigureAwait(false))
                {
                    reforwarded.Add(connection.GuildId);
                }
            }
            catch (Exception exception) when (exception is LavalinkException or LavalinkUnavailableException)
            {
                Log.ForwardFailed(logger, exception, connection.GuildId);
            }
        }

        Log.Reforwarded(logger, reforwarded.Count, joined.Count);
        return reforwarded;
    }

    private async Task RunAttemptAsync(GuildConnection connection, ConnectAttempt attempt)
    {
        try
        {
            using (var timeout = new CancellationTokenSource(_connectTimeout, timeProvider))
            {
                Log.Joining(logger, connection.GuildId, attempt.ChannelId);
                try
                {
                    await gateway.SendVoiceStateUpdateAsync(connection.GuildId, attempt.ChannelId, selfMute: false, selfDeaf: true, timeout.Token).ConfigureAwait(false);
                    await attempt.Handshake.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    await AbandonAsync(connection, attempt).ConfigureAwait(false);
                    Log.JoinTimedOut(logger, connection.GuildId, attempt.ChannelId, _connectTimeout.TotalSeconds, attempt.SawOwnState, attempt.SawServer);
                    throw new VoiceConnectException(
                        $"Discord did not answer the voice join in {_connectTimeout.TotalSeconds:0.#} s; is the channel full, or can the bot not see it?");
                }
                catch
                {
                    await AbandonAsync(connection, attempt).ConfigureAwait(false);
                    throw;
                }
            }

            // Lavalink's own client bounds this call; the join timeout is for Discord's answer only.
            if (!await ForwardLatestAsync(connection, force: false, CancellationToken.None).ConfigureAwait(false))
            {
                throw new VoiceConnectException("The bot left voice before the join finished.");
            }

            attempt.Completion.TrySetResult();
        }
#pragma warning disable CA1031 // Every failure goes to the callers through the shared completion.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            attempt.Completion.TrySetException(exception);
        }
        finally
        {
            lock (_lock)
            {
                if (connection.Attempt == attempt)
                {
                    connection.Attempt = null;
                }
            }
        }
    }

    /// <summary>
    /// A join that failed: a connection that never joined is forgotten (leaving the channel if Discord had put the
    /// bot there without a voice server); one that had joined before stays as it was, unless the bot is gone.
    /// </summary>
    private async Task AbandonAsync(GuildConnection connection, ConnectAttempt attempt)
    {
        bool forgotten;
        bool leaveHalfJoin;
        bool lost;
        lock (_lock)
        {
            if (connection.Attempt == attempt)
            {
                connection.Attempt = null;
            }

            var current = _connections.TryGetValue(connection.GuildId, out var registered) && registered == connection;
            forgotten = current && (!connection.HasJoined || connection.ChannelId is null);
            if (forgotten)
            {
                _connections.Remove(connection.GuildId);
            }

            leaveHalfJoin = forgotten && !connection.HasJoined && attempt.SawOwnState;
            lost = forgotten && connection.HasJoined;
        }

        if (lost)
        {
            RaiseConnectionLost(new VoiceConnectionLost(connection.GuildId, attempt.ChannelId, VoiceConnectionLostReason.DisconnectedFromChannel));
        }

        if (leaveHalfJoin)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_connectTimeout, timeProvider);
                await gateway.SendVoiceStateUpdateAsync(connection.GuildId, null, selfMute: false, selfDeaf: true, timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the join's own failure is what the caller hears about.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.HalfJoinNotLeft(logger, exception, connection.GuildId);
            }
        }
    }

    /// <summary>Learns the bot's own user id, which tells its voice state from the members'.</summary>
    public Task HandleAsync(GatewayReady gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        tracker.SetBotUser(gatewayEvent.BotUserId);
        return Task.CompletedTask;
    }

    /// <summary>Takes the guild's voice states as the full picture.</summary>
    public Task HandleAsync(GatewayGuildCreate gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        tracker.ReplaceGuild(gatewayEvent.GuildId, gatewayEvent.VoiceStates);
        return Task.CompletedTask;
    }

    /// <summary>Forgets the guild; removed from it (not an outage), the connection is lost.</summary>
    public Task HandleAsync(GatewayGuildDelete gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        tracker.RemoveGuild(gatewayEvent.GuildId);
        if (gatewayEvent.Unavailable)
        {
            // An outage: its GUILD_CREATE will follow; the voice connection may well survive it.
            return Task.CompletedTask;
        }

        GuildConnection? connection;
        lock (_lock)
        {
            _connections.Remove(gatewayEvent.GuildId, out connection);
        }

        if (connection is null)
        {
            return Task.CompletedTask;
        }

        connection.Attempt?.Handshake.TrySetException(new VoiceConnectException("The bot is no longer in that server."));
        if (connection.HasJoined)
        {
            RaiseConnectionLost(new VoiceConnectionLost(gatewayEvent.GuildId, connection.ChannelId, VoiceConnectionLostReason.RemovedFromGuild));
        }

        return Task.CompletedTask;
    }

    /// <summary>Tracks the member; for the bot, answers a join under way or forwards the change to Lavalink.</summary>
    public async Task HandleAsync(GatewayVoiceStateUpdate gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        var dispatch = gatewayEvent;
        tracker.Apply(dispatch.GuildId, dispatch.State);
        if (tracker.BotUserId != dispatch.State.UserId)
        {
            return;
        }

        GuildConnection? forward = null;
        VoiceConnectionLost? lost = null;
        lock (_lock)
        {
            if (!_connections.TryGetValue(dispatch.GuildId, out var connection))
            {
                return;
            }

            var joining = connection.Attempt is { HandshakeCompleted: false };
            if (dispatch.State.ChannelId is not { } channelId)
            {
                var lastChannelId = connection.ChannelId;
                connection.ChannelId = null;
                connection.SessionId = null;
                if (joining)
                {
                    // Out of the channel while joining: the join may still land; its timeout decides.
                    connection.Attempt!.SawOwnState = false;
                }
                else
                {
                    _connections.Remove(dispatch.GuildId);
                    lost = new VoiceConnectionLost(dispatch.GuildId, lastChannelId, VoiceConnectionLostReason.DisconnectedFromChannel);
                }
            }
            else
            {
                connection.ChannelId = channelId;
                connection.SessionId = dispatch.State.SessionId;
                if (joining)
                {
                    // Only the requested channel answers the join: a mute or deafen in the old channel is not it.
                    if (channelId == connection.Attempt!.ChannelId)
                    {
                        connection.Attempt.SawOwnState = true;
                        TryCompleteHandshakeLocked(connection);
                    }
                }
                else if (connection.ForwardsUpdates)
                {
                    forward = connection;
                }
            }
        }

        if (lost is not null)
        {
            Log.Kicked(logger, lost.GuildId, lost.LastChannelId);
            RaiseConnectionLost(lost);
        }

        if (forward is not null)
        {
            await ForwardLoggedAsync(forward, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Answers a join under way, or forwards the new voice server to Lavalink.</summary>
    public async Task HandleAsync(GatewayVoiceServerUpdate gatewayEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayEvent);
        var dispatch = gatewayEvent;
        GuildConnection? forward = null;
        lock (_lock)
        {
            if (!_connections.TryGetValue(dispatch.GuildId, out var connection))
            {
                return;
            }

            var joining = connection.Attempt is { HandshakeCompleted: false };
            if (dispatch.Endpoint is null || dispatch.Token is null)
            {
                // The voice server went away: forward nothing (Lavalink refuses a blank endpoint) until the next one.
                connection.Token = null;
                connection.Endpoint = null;
                if (joining)
                {
                    connection.Attempt!.SawServer = false;
                }

                Log.WaitingForVoiceServer(logger, dispatch.GuildId);
                return;
            }

            connection.Token = dispatch.Token;
            connection.Endpoint = dispatch.Endpoint;
            if (joining)
            {
                connection.Attempt!.SawServer = true;
                TryCompleteHandshakeLocked(connection);
            }
            else if (connection.ForwardsUpdates)
            {
                forward = connection;
            }
        }

        if (forward is not null)
        {
            await ForwardLoggedAsync(forward, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void TryCompleteHandshakeLocked(GuildConnection connection)
    {
        var attempt = connection.Attempt!;
        if (attempt.SawOwnState && attempt.SawServer && connection.CompleteState() is not null)
        {
            attempt.HandshakeCompleted = true;
            connection.HasJoined = true;
            attempt.Handshake.TrySetResult();
        }
    }

    private async Task ForwardLoggedAsync(GuildConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await ForwardLatestAsync(connection, force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed update must not stop the gateway loop; ReforwardAllAsync or the next event retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ForwardFailed(logger, exception, connection.GuildId);
        }
    }

    /// <summary>
    /// Sends the connection's current complete voice state to Lavalink, one update at a time per guild so a slow
    /// older update cannot land after a newer one. False when the connection was dropped meanwhile or is incomplete.
    /// </summary>
    private async Task<bool> ForwardLatestAsync(GuildConnection connection, bool force, CancellationToken cancellationToken)
    {
        await connection.ForwardGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            LavalinkVoiceState? state;
            lock (_lock)
            {
                if (!_connections.TryGetValue(connection.GuildId, out var registered) || registered != connection)
                {
                    return false;
                }

                state = connection.CompleteState();
                if (state is null)
                {
                    return false;
                }

                if (!force && state == connection.LastForwarded)
                {
                    return true;
                }
            }

            await lavalink.UpdatePlayerAsync(connection.GuildId, new LavalinkPlayerUpdate { Voice = state }, noReplace: false, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                connection.LastForwarded = state;
            }

            var endpointHost = EndpointHost(state.Endpoint);
            Log.Forwarded(logger, connection.GuildId, state.ChannelId, endpointHost);
            return true;
        }
        finally
        {
            connection.ForwardGate.Release();
        }
    }

    private void RaiseConnectionLost(VoiceConnectionLost lost)
    {
        if (ConnectionLost is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<VoiceConnectionLost>>())
        {
            try
            {
                handler(lost);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop the gateway loop or the other subscribers.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ConnectionLostHandlerFailed(logger, exception, lost.GuildId);
            }
        }
    }

    /// <summary>The host part of an endpoint such as <c>host:443</c> or <c>wss://host/</c>: loggable, unlike the rest.</summary>
    private static string EndpointHost(string endpoint)
    {
        var schemeEnd = endpoint.IndexOf("://", StringComparison.Ordinal);
        var host = schemeEnd >= 0 ? endpoint[(schemeEnd + 3)..] : endpoint;
        var end = host.IndexOfAny([':', '/', '?']);
        return end >= 0 ? host[..end] : host;
    }

    /// <summary>What is known of one guild's voice connection; guarded by the coordinator's lock.</summary>
    private sealed class GuildConnection(ulong guildId)
    {
        public ulong GuildId { get; } = guildId;

        public ulong? ChannelId { get; set; }

        public string? SessionId { get; set; }

        public string? Token { get; set; }

        public string? Endpoint { get; set; }

        /// <summary>A join completed once: from then on changes are forwarded as they arrive.</summary>
        public bool HasJoined { get; set; }

        public ConnectAttempt? Attempt { get; set; }

        public LavalinkVoiceState? LastForwarded { get; set; }

        /// <summary>Serialises updates to Lavalink for this guild. Never disposed: no wait handle is ever taken.</summary>
        public SemaphoreSlim ForwardGate { get; } = new(1, 1);

        /// <summary>Joined, and not in the middle of a join that has yet to hear from Discord.</summary>
        public bool ForwardsUpdates => HasJoined && Attempt is null or { HandshakeCompleted: true };

        public LavalinkVoiceState? CompleteState() =>
            ChannelId is { } channelId && SessionId is { } sessionId && Token is { } token && Endpoint is { } endpoint
                ? new LavalinkVoiceState(token, endpoint, sessionId, channelId.ToString(CultureInfo.InvariantCulture))
                : null;
    }

    private sealed class ConnectAttempt(ulong channelId)
    {
        public ulong ChannelId { get; } = channelId;

        public bool SawOwnState { get; set; }

        public bool SawServer { get; set; }

        public bool HandshakeCompleted { get; set; }

        /// <summary>Completed by the dispatch that brings the second of Discord's two answers.</summary>
        public TaskCompletionSource Handshake { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The whole join including the Lavalink update; what every caller sharing the attempt awaits.</summary>
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7310, Level = LogLevel.Information, Message = "Joining voice channel {ChannelId} in guild {GuildId}")]
        public static partial void Joining(ILogger logger, ulong guildId, ulong channelId);

        [LoggerMessage(EventId = 7311, Level = LogLevel.Debug, Message = "Joining voice channel {ChannelId} in guild {GuildId}: sharing the join already under way")]
        public static partial void JoinShared(ILogger logger, ulong guildId, ulong channelId);

        [LoggerMessage(EventId = 7312, Level = LogLevel.Debug, Message = "Already in voice channel {ChannelId} in guild {GuildId}")]
        public static partial void AlreadyConnected(ILogger logger, ulong guildId, ulong channelId);

        [LoggerMessage(EventId = 7313, Level = LogLevel.Information, Message = "Voice connection of guild {GuildId} handed to Lavalink: channel {ChannelId}, voice server {EndpointHost}")]
        public static partial void Forwarded(ILogger logger, ulong guildId, string channelId, string endpointHost);

        [LoggerMessage(EventId = 7314, Level = LogLevel.Warning, Message = "Discord did not answer the join of voice channel {ChannelId} in guild {GuildId} within {TimeoutSeconds} s (own voice state seen: {SawOwnState}, voice server seen: {SawVoiceServer})")]
        public static partial void JoinTimedOut(ILogger logger, ulong guildId, ulong channelId, double timeoutSeconds, bool sawOwnState, bool sawVoiceServer);

        [LoggerMessage(EventId = 7315, Level = LogLevel.Information, Message = "Voice server of guild {GuildId} went away (null endpoint); waiting for the next one")]
        public static partial void WaitingForVoiceServer(ILogger logger, ulong guildId);

        [LoggerMessage(EventId = 7316, Level = LogLevel.Warning, Message = "Bot was disconnected from voice channel {ChannelId} in guild {GuildId}")]
        public static partial void Kicked(ILogger logger, ulong guildId, ulong? channelId);

        [LoggerMessage(EventId = 7317, Level = LogLevel.Information, Message = "Leaving voice in guild {GuildId} (channel {ChannelId})")]
        public static partial void Leaving(ILogger logger, ulong guildId, ulong? channelId);

        [LoggerMessage(EventId = 7318, Level = LogLevel.Debug, Message = "Lavalink had no player for guild {GuildId} to destroy")]
        public static partial void PlayerAlreadyGone(ILogger logger, ulong guildId);

        [LoggerMessage(EventId = 7319, Level = LogLevel.Warning, Message = "Lavalink is unavailable; the player of guild {GuildId} was not destroyed")]
        public static partial void PlayerNotDestroyedLavalinkUnavailable(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 7320, Level = LogLevel.Warning, Message = "The voice connection of guild {GuildId} could not be handed to Lavalink")]
        public static partial void ForwardFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 7321, Level = LogLevel.Information, Message = "Voice connections handed to a new Lavalink session: {ReforwardedCount} of {JoinedCount}")]
        public static partial void Reforwarded(ILogger logger, int reforwardedCount, int joinedCount);

        [LoggerMessage(EventId = 7322, Level = LogLevel.Warning, Message = "A failed join left the bot in voice in guild {GuildId} and leaving failed too")]
        public static partial void HalfJoinNotLeft(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 7324, Level = LogLevel.Error, Message = "A connection-lost handler failed for guild {GuildId}")]
        public static partial void ConnectionLostHandlerFailed(ILogger logger, Exception exception, ulong guildId);
    }
}
