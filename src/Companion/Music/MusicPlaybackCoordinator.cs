using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Music;

/// <summary>
/// Turns what Lavalink reports into queue moves, each inside its guild's work:
/// <list type="bullet">
/// <item>TrackEnd moves the queue only when its reason allows (<c>finished</c>, <c>loadFailed</c>) and the track is
/// still the current one; <c>replaced</c> and <c>stopped</c> ends are of moves already made.</item>
/// <item>TrackException tells the text channel "Skipped X: reason" and does not move: the TrackEnd that follows does.</item>
/// <item>TrackStuck moves on itself (the server never stops a stuck track), replacing or stopping it, so its end says
/// <c>replaced</c>/<c>stopped</c> and nothing moves twice.</item>
/// <item>Voice closed 4015 (voice server crashed, the one close Discord calls resumable): rejoin, at most once per
/// <see cref="MusicOptions.RejoinCooldown"/>, giving up after <see cref="MusicOptions.MaxRejoinAttempts"/>. 4014/4022
/// ("should not reconnect": kicked, channel deleted, or the voice server changed) never rejoin: with the bot out of
/// voice the session ends; with the bot still in its channel Discord sends the new voice server, which voice hands on.
/// 4017 means the Lavalink server lacks DAVE and is logged as critical; other codes are logged.</item>
/// <item>The bot lost its voice connection (kicked, disconnected, removed from the guild): the session ends and its
/// state is deleted, so neither a rejoin nor a restarted companion brings the bot back.</item>
/// <item>Player updates: the position is stored at most every <see cref="MusicOptions.PositionSaveInterval"/>, and
/// the now-playing message refreshed (throttled).</item>
/// <item>Ready without resume: Lavalink has no players; each stored session is rebuilt (voice, then track at the
/// saved position, volume, pause), each guild in its own work, so a busy guild does not hold up the others.</item>
/// </list>
/// Lavalink's receive loop does not wait for these handlers: each queues its guild's work and returns that work's task.
/// </summary>
public sealed partial class MusicPlaybackCoordinator(
    MusicPlayback playback,
    IVoiceConnections voice,
    IMusicTextChannel channel,
    IOptions<MusicOptions> options,
    TimeProvider timeProvider,
    ILogger<MusicPlaybackCoordinator> logger) : ILavalinkEventHandler
{
    private readonly MusicOptions _options = options.Value;
    private readonly ConcurrentDictionary<ulong, long> _positionSaved = new();
    private readonly ConcurrentDictionary<ulong, RejoinState> _rejoins = new();

    public async Task OnReadyAsync(string sessionId, bool resumed, CancellationToken cancellationToken)
    {
        Log.Ready(logger, resumed);
        if (resumed)
        {
            // Lavalink kept every player and replays the events it queued meanwhile.
            return;
        }

        _rejoins.Clear();
        IReadOnlyList<ulong> guilds;
        try
        {
            guilds = await playback.Sessions.ListActiveGuildsAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RebuildListFailed(logger, exception);
            return;
        }

        await Task.WhenAll(guilds.Select(guildId => RebuildLoggedAsync(guildId, cancellationToken)));
    }

    public Task OnPlayerUpdateAsync(ulong guildId, LavalinkPlayerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return playback.Work.RunAsync(guildId, async token =>
        {
            if (await playback.Sessions.GetAsync(guildId, token) is not { Current: not null } session || !state.Connected)
            {
                return;
            }

            var now = timeProvider.GetUtcNow();
            if (!_positionSaved.TryGetValue(guildId, out var last) || timeProvider.GetElapsedTime(last) >= _options.PositionSaveInterval)
            {
                session = await playback.Sessions.UpdateAsync(guildId, stored => stored.RecordPosition(state.PositionMs, now), token) ?? session;
                _positionSaved[guildId] = timeProvider.GetTimestamp();
            }
            else
            {
                // Shown at once, stored at the next save: a restart resumes at most an interval early.
                session.RecordPosition(state.PositionMs, now);
            }

            await playback.NowPlaying.RefreshAsync(session, force: false, token);
        }, cancellationToken);
    }

    public Task OnEventAsync(LavalinkEvent lavalinkEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lavalinkEvent);
        return lavalinkEvent switch
        {
            TrackEndEvent end => playback.Work.RunAsync(end.GuildId, token => OnTrackEndAsync(end, token), cancellationToken),
            TrackExceptionEvent failed => playback.Work.RunAsync(failed.GuildId, token => OnTrackExceptionAsync(failed, token), cancellationToken),
            TrackStuckEvent stuck => playback.Work.RunAsync(stuck.GuildId, token => OnTrackStuckAsync(stuck, token), cancellationToken),
            WebSocketClosedEvent closed => playback.Work.RunAsync(closed.GuildId, token => OnVoiceClosedAsync(closed, token), cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    public Task OnDisconnectedAsync(string reason, CancellationToken cancellationToken)
    {
        Log.LavalinkDisconnected(logger, reason);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Voice lost the bot's connection without being asked to leave (see <see cref="IVoiceConnectionEvents.ConnectionLost"/>):
    /// the session ends in the guild's work. Raised on the gateway's dispatch loop, so it only queues that work.
    /// </summary>
    public Task OnConnectionLostAsync(VoiceConnectionLost lost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lost);
        Log.ConnectionLost(logger, lost.GuildId, lost.Reason);
        return RunLoggedAsync(lost.GuildId, token => playback.EndSessionAsync(lost.GuildId, token), cancellationToken);
    }

    /// <summary>Someone joined or left a voice channel of the guild (from the gateway's VOICE_STATE_UPDATE); see <see cref="MusicPlayback.OnListenersChanged"/>.</summary>
    public void OnVoiceStateChanged(ulong guildId) => playback.OnListenersChanged(guildId);

    private async Task OnTrackEndAsync(TrackEndEvent end, CancellationToken cancellationToken)
    {
        if (!end.MayStartNext)
        {
            return;
        }

        if (await playback.Sessions.GetAsync(end.GuildId, cancellationToken) is not { Current: { } current } || current.Encoded != end.Track.Encoded)
        {
            // An end of a track we already moved past (or a session already gone): nothing to move.
            Log.StaleTrackEnd(logger, end.GuildId, end.Reason);
            return;
        }

        await playback.AdvanceAsync(end.GuildId, stopCurrent: false, cancellationToken);
    }

    private async Task OnTrackExceptionAsync(TrackExceptionEvent failed, CancellationToken cancellationToken)
    {
        Log.TrackException(logger, failed.GuildId, failed.Severity, failed.Message);
        if (await playback.Sessions.GetAsync(failed.GuildId, cancellationToken) is not { Current: { } current } session)
        {
            return;
        }

        // No move here: Lavalink follows with a TrackEnd (loadFailed or finished), which moves the queue once.
        await NotifyAsync(session, MusicText.Skipped(current, string.IsNullOrWhiteSpace(failed.Message) ? "it could not be played" : failed.Message), cancellationToken);
    }

    private async Task OnTrackStuckAsync(TrackStuckEvent stuck, CancellationToken cancellationToken)
    {
        if (await playback.Sessions.GetAsync(stuck.GuildId, cancellationToken) is not { Current: { } current } session || current.Encoded != stuck.Track.Encoded)
        {
            return;
        }

        Log.TrackStuck(logger, stuck.GuildId, stuck.ThresholdMs);
        await NotifyAsync(session, MusicText.Skipped(current, $"no audio for {stuck.ThresholdMs / 1000.0:0.#} s"), cancellationToken);
        await playback.AdvanceAsync(stuck.GuildId, stopCurrent: true, cancellationToken);
    }

    private async Task OnVoiceClosedAsync(WebSocketClosedEvent closed, CancellationToken cancellationToken)
    {
        switch (closed.Code)
        {
            case 4017:
                Log.DaveRequired(logger, closed.GuildId, closed.Reason);
                return;
            case 4014 or 4022:
                await OnVoiceClosedForGoodAsync(closed, cancellationToken);
                return;
            case 4015:
                break;
            default:
                Log.VoiceClosed(logger, closed.GuildId, closed.Code, closed.Reason);
                return;
        }

        if (await playback.Sessions.GetAsync(closed.GuildId, cancellationToken) is not { } session)
        {
            return; // We left on purpose.
        }

        var now = timeProvider.GetTimestamp();
        var state = _rejoins.GetOrAdd(closed.GuildId, _ => new RejoinState(now, 0, long.MinValue));
        if (timeProvider.GetElapsedTime(state.WindowStart, now) > _options.RejoinWindow)
        {
            state = new RejoinState(now, 0, long.MinValue);
        }

        if (state.LastAttempt != long.MinValue && timeProvider.GetElapsedTime(state.LastAttempt, now) < _options.RejoinCooldown)
        {
            Log.RejoinCoolingDown(logger, closed.GuildId, closed.Code);
            return;
        }

        if (state.Attempts >= _options.MaxRejoinAttempts)
        {
            Log.RejoinGaveUp(logger, closed.GuildId, state.Attempts);
            _rejoins.TryRemove(closed.GuildId, out _);
            await NotifyAsync(session, $"I lost the voice connection to {MusicText.Channel(session.VoiceChannelId)} and couldn't get back in, so I stopped. Use `/music play` to start again.", cancellationToken);
            await playback.LeaveAsync(closed.GuildId, cancellationToken);
            return;
        }

        _rejoins[closed.GuildId] = state with { Attempts = state.Attempts + 1, LastAttempt = now };
        Log.Rejoining(logger, closed.GuildId, closed.Code, state.Attempts + 1);
        try
        {
            await RestoreAsync(session, session.PositionAt(timeProvider.GetUtcNow()), cancellationToken);
        }
        catch (Exception exception) when (exception is VoiceConnectException or LavalinkException or LavalinkUnavailableException)
        {
            Log.RejoinFailed(logger, exception, closed.GuildId);
        }
    }

    /// <summary>
    /// Discord said not to reconnect. The gateway tells a kick (the bot out of voice: end the session, which the
    /// gateway's own event may already have done) from a voice server change (the bot still in its channel: Discord
    /// sends the new server, which voice hands to Lavalink).
    /// </summary>
    private async Task OnVoiceClosedForGoodAsync(WebSocketClosedEvent closed, CancellationToken cancellationToken)
    {
        if (voice.BotChannel(closed.GuildId) is { } channelId)
        {
            Log.VoiceClosedStillInChannel(logger, closed.GuildId, closed.Code, channelId);
            return;
        }

        if (await playback.Sessions.GetAsync(closed.GuildId, cancellationToken) is null)
        {
            return;
        }

        Log.VoiceClosedForGood(logger, closed.GuildId, closed.Code, closed.Reason);
        _rejoins.TryRemove(closed.GuildId, out _);
        await playback.EndSessionAsync(closed.GuildId, cancellationToken);
    }

    private Task RebuildLoggedAsync(ulong guildId, CancellationToken cancellationToken) =>
        RunLoggedAsync(guildId, token => RebuildAsync(guildId, token), cancellationToken);

    /// <summary>Work whose caller does not wait for it: its failure is logged here.</summary>
    private async Task RunLoggedAsync(ulong guildId, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await playback.Work.RunAsync(guildId, work, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.GuildWorkFailed(logger, exception, guildId);
        }
    }

    private async Task RebuildAsync(ulong guildId, CancellationToken cancellationToken)
    {
        playback.Sessions.Forget(guildId);
        if (await playback.Sessions.GetAsync(guildId, cancellationToken) is not { } session)
        {
            return;
        }

        if (session.IsIdle)
        {
            // Nothing was playing: there is nothing to come back for.
            await playback.LeaveAsync(guildId, cancellationToken);
            return;
        }

        await RestoreAsync(session, session.PositionMs, cancellationToken);
        Log.Rebuilt(logger, guildId, session.PositionMs);
        await playback.NowPlaying.RefreshAsync(session, force: true, cancellationToken);
    }

    /// <summary>Voice first (Lavalink needs it to play), then the current track where it was, with volume and pause.</summary>
    private async Task RestoreAsync(MusicSession session, long positionMs, CancellationToken cancellationToken)
    {
        await voice.ConnectAsync(session.GuildId, session.VoiceChannelId, cancellationToken);
        if (session.Current is { } current)
        {
            await playback.StartAsync(session, current, positionMs, cancellationToken);
        }
    }

    private async Task NotifyAsync(MusicSession session, string text, CancellationToken cancellationToken)
    {
        try
        {
            await channel.CreateMessageAsync(session.TextChannelId, MusicMessage.Text(text), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.NotifyFailed(logger, exception, session.GuildId);
        }
    }

    private sealed record RejoinState(long WindowStart, int Attempts, long LastAttempt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Lavalink ready (resumed {Resumed})")]
        public static partial void Ready(ILogger logger, bool resumed);

        [LoggerMessage(EventId = 4402, Level = LogLevel.Error, Message = "Could not list the music sessions to rebuild")]
        public static partial void RebuildListFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4403, Level = LogLevel.Error, Message = "Could not rebuild the player or end the session (guild {GuildId})")]
        public static partial void GuildWorkFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 4404, Level = LogLevel.Information, Message = "Rebuilt the player at {PositionMs} ms (guild {GuildId})")]
        public static partial void Rebuilt(ILogger logger, ulong guildId, long positionMs);

        [LoggerMessage(EventId = 4405, Level = LogLevel.Warning, Message = "Lavalink disconnected: {Reason}")]
        public static partial void LavalinkDisconnected(ILogger logger, string reason);

        [LoggerMessage(EventId = 4406, Level = LogLevel.Debug, Message = "Ignored a {Reason} end of a track no longer current (guild {GuildId})")]
        public static partial void StaleTrackEnd(ILogger logger, ulong guildId, string reason);

        [LoggerMessage(EventId = 4407, Level = LogLevel.Warning, Message = "Track failed ({Severity}): {Reason} (guild {GuildId})")]
        public static partial void TrackException(ILogger logger, ulong guildId, string severity, string? reason);

        [LoggerMessage(EventId = 4408, Level = LogLevel.Warning, Message = "Track stuck for {ThresholdMs} ms; skipping (guild {GuildId})")]
        public static partial void TrackStuck(ILogger logger, ulong guildId, long thresholdMs);

        [LoggerMessage(EventId = 4409, Level = LogLevel.Critical, Message = "Discord refused the voice connection with 4017: the Lavalink server lacks DAVE (E2EE voice). Run Lavalink 4.2.0 or newer. {Reason} (guild {GuildId})")]
        public static partial void DaveRequired(ILogger logger, ulong guildId, string reason);

        [LoggerMessage(EventId = 4410, Level = LogLevel.Warning, Message = "Voice connection closed {Code}: {Reason} (guild {GuildId})")]
        public static partial void VoiceClosed(ILogger logger, ulong guildId, int code, string reason);

        [LoggerMessage(EventId = 4411, Level = LogLevel.Information, Message = "Voice closed {Code}; not rejoining yet, cooling down (guild {GuildId})")]
        public static partial void RejoinCoolingDown(ILogger logger, ulong guildId, int code);

        [LoggerMessage(EventId = 4412, Level = LogLevel.Warning, Message = "Voice closed {Code}; rejoining, attempt {Attempt} (guild {GuildId})")]
        public static partial void Rejoining(ILogger logger, ulong guildId, int code, int attempt);

        [LoggerMessage(EventId = 4413, Level = LogLevel.Error, Message = "Gave up rejoining after {Attempts} attempts (guild {GuildId})")]
        public static partial void RejoinGaveUp(ILogger logger, ulong guildId, int attempts);

        [LoggerMessage(EventId = 4414, Level = LogLevel.Warning, Message = "Rejoin failed (guild {GuildId})")]
        public static partial void RejoinFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 4415, Level = LogLevel.Warning, Message = "Could not post a music notice (guild {GuildId})")]
        public static partial void NotifyFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 4416, Level = LogLevel.Warning, Message = "Voice closed {Code} ({Reason}) with the bot out of voice: ending the session, not rejoining (guild {GuildId})")]
        public static partial void VoiceClosedForGood(ILogger logger, ulong guildId, int code, string reason);

        [LoggerMessage(EventId = 4417, Level = LogLevel.Information, Message = "Voice closed {Code} while the bot is still in channel {ChannelId}: waiting for Discord's new voice server, not rejoining (guild {GuildId})")]
        public static partial void VoiceClosedStillInChannel(ILogger logger, ulong guildId, int code, ulong channelId);

        [LoggerMessage(EventId = 4418, Level = LogLevel.Warning, Message = "The bot lost its voice connection ({Reason}); ending the session (guild {GuildId})")]
        public static partial void ConnectionLost(ILogger logger, ulong guildId, VoiceConnectionLostReason reason);
    }
}
