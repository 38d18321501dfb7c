using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Music;

/// <summary>
/// What commands and Lavalink events have in common: starting a track on the guild's player, moving to the next one
/// (exactly once per decision), leaving, and the idle timer that leaves a silent or empty channel after
/// <see cref="MusicOptions.IdleTimeout"/>. Everything except <see cref="OnListenersChanged"/> runs inside the
/// guild's work (<see cref="GuildSerialExecutor"/>).
/// </summary>
public sealed partial class MusicPlayback(
    GuildSerialExecutor work,
    MusicSessionRepository sessions,
    ILavalinkPlayers lavalink,
    IVoiceConnections voice,
    NowPlayingMessage nowPlaying,
    IOptions<MusicOptions> options,
    TimeProvider timeProvider,
    ILogger<MusicPlayback> logger) : IDisposable
{
    private readonly ConcurrentDictionary<ulong, ITimer> _idleTimers = new();
    private readonly ConcurrentDictionary<ulong, Task> _idleChecks = new();
    private readonly TimeSpan _idleTimeout = options.Value.IdleTimeout;

    public GuildSerialExecutor Work => work;

    public MusicSessionRepository Sessions => sessions;

    public NowPlayingMessage NowPlaying => nowPlaying;

    /// <summary>Plays <paramref name="track"/> from <paramref name="positionMs"/> with the session's volume and pause state; replaces what played (its end says <c>replaced</c>).</summary>
    public async Task StartAsync(MusicSession session, MusicTrack track, long positionMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(track);
        CancelIdleLeave(session.GuildId);
        await lavalink.UpdatePlayerAsync(session.GuildId, new LavalinkPlayerUpdate
        {
            EncodedTrack = track.Encoded,
            TrackUserData = RequesterData(track.RequesterId),
            PositionMs = positionMs > 0 ? positionMs : null,
            Volume = MusicVolume.ToLavalink(session.Volume),
            Paused = session.Paused,
        }, noReplace: false, cancellationToken);
    }

    /// <summary>
    /// Moves the queue on by one and plays what comes next, or goes idle (and starts the idle timer) when nothing does.
    /// <paramref name="stopCurrent"/>: the current track is still playing (skip, stuck), so with nothing next it is
    /// stopped; its end event then says <c>stopped</c> or <c>replaced</c> and does not move the queue again.
    /// </summary>
    /// <returns>The track now playing, or null.</returns>
    public async Task<MusicTrack?> AdvanceAsync(ulong guildId, bool stopCurrent, CancellationToken cancellationToken)
    {
        MusicTrack? next = null;
        var session = await sessions.UpdateAsync(guildId, stored => next = stored.AdvanceToNext(timeProvider.GetUtcNow()), cancellationToken);
        if (session is null)
        {
            return null;
        }

        if (next is not null)
        {
            await StartAsync(session, next, 0, cancellationToken);
            Log.Advanced(logger, guildId, next.Title);
        }
        else
        {
            if (stopCurrent)
            {
                await lavalink.UpdatePlayerAsync(guildId, new LavalinkPlayerUpdate { StopTrack = true }, noReplace: false, cancellationToken);
            }

            Log.QueueFinished(logger, guildId);
            ScheduleIdleLeave(guildId);
        }

        await nowPlaying.RefreshAsync(session, force: true, cancellationToken);
        return next;
    }

    /// <summary>Leaves the voice channel and forgets the session and its now-playing message.</summary>
    public async Task LeaveAsync(ulong guildId, CancellationToken cancellationToken)
    {
        CancelIdleLeave(guildId);
        if (await sessions.GetAsync(guildId, cancellationToken) is { } session)
        {
            await nowPlaying.RemoveAsync(session, cancellationToken);
        }

        // The session goes first: a voice close event that follows our own disconnect then finds nothing to rejoin.
        await sessions.DeleteAsync(guildId, cancellationToken);
        await voice.DisconnectAsync(guildId, cancellationToken);
        Log.Left(logger, guildId);
    }

    /// <summary>
    /// The bot is already out of voice (kicked, disconnected by a moderator, removed from the guild): forgets the
    /// session and its now-playing message and destroys the Lavalink player, so nothing rejoins later. Sends no op 4.
    /// </summary>
    public async Task EndSessionAsync(ulong guildId, CancellationToken cancellationToken)
    {
        CancelIdleLeave(guildId);
        if (await sessions.GetAsync(guildId, cancellationToken) is { } session)
        {
            await nowPlaying.RemoveAsync(session, cancellationToken);
        }

        await sessions.DeleteAsync(guildId, cancellationToken);
        try
        {
            await lavalink.DestroyPlayerAsync(guildId, cancellationToken);
        }
        catch (LavalinkException exception) when (exception.Status == 404)
        {
            // Lavalink had already dropped it.
        }
        catch (LavalinkUnavailableException exception)
        {
            // A new Lavalink session has no players, and none is rebuilt for a session that is gone.
            Log.PlayerNotDestroyed(logger, exception, guildId);
        }

        Log.Ended(logger, guildId);
    }

    /// <summary>
    /// Called (by the gateway's voice-state handling) when someone joins or leaves a voice channel of the guild:
    /// nobody left with the bot starts the idle timer; someone back while music plays stops it. Does not wait for the
    /// guild's work, so the gateway's receive loop is never held up.
    /// </summary>
    public void OnListenersChanged(ulong guildId)
    {
        if (voice.BotChannel(guildId) is not { } botChannel)
        {
            return;
        }

        if (voice.CountListeners(guildId, botChannel) == 0)
        {
            if (!_idleTimers.ContainsKey(guildId))
            {
                ScheduleIdleLeave(guildId);
            }
        }
        else if (sessions.Peek(guildId) is { IsIdle: false })
        {
            CancelIdleLeave(guildId);
        }
    }

    /// <summary>(Re)starts the guild's idle timer: in <see cref="MusicOptions.IdleTimeout"/> the bot leaves if it is still idle or alone.</summary>
    public void ScheduleIdleLeave(ulong guildId)
    {
        var state = new IdleTimerState(this, guildId);
        var timer = timeProvider.CreateTimer(static state => ((IdleTimerState)state!).Fire(), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        state.Timer = timer;
        if (_idleTimers.TryGetValue(guildId, out var old))
        {
            old.Dispose();
        }

        _idleTimers[guildId] = timer;
        timer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
    }

    public void CancelIdleLeave(ulong guildId)
    {
        if (_idleTimers.TryRemove(guildId, out var timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>For tests and shutdown: completes when the idle checks the timers started have finished.</summary>
    internal Task IdleChecksCompletedAsync() => Task.WhenAll(_idleChecks.Values);

    public void Dispose()
    {
        foreach (var timer in _idleTimers.Values)
        {
            timer.Dispose();
        }

        _idleTimers.Clear();
    }

    private async Task CheckIdleAsync(ulong guildId, ITimer? timer)
    {
        try
        {
            await work.RunAsync(guildId, async cancellationToken =>
            {
                // A timer replaced or cancelled since it fired decides nothing.
                if (timer is null || !_idleTimers.TryRemove(new KeyValuePair<ulong, ITimer>(guildId, timer)))
                {
                    return;
                }

                timer.Dispose();
                if (await sessions.GetAsync(guildId, cancellationToken) is not { } session)
                {
                    return;
                }

                var botChannel = voice.BotChannel(guildId);
                var listeners = botChannel is { } channel ? voice.CountListeners(guildId, channel) : 0;
                if (session.IsIdle || listeners == 0)
                {
                    Log.IdleLeave(logger, guildId, _idleTimeout, listeners);
                    await LeaveAsync(guildId, cancellationToken);
                }
            }, CancellationToken.None);
        }
        catch (Exception exception)
        {
            Log.IdleCheckFailed(logger, exception, guildId);
        }
    }

    private static JsonElement RequesterData(ulong requesterId)
    {
        using var document = JsonDocument.Parse("{\"requester\":\"" + requesterId.ToString(CultureInfo.InvariantCulture) + "\"}");
        return document.RootElement.Clone();
    }

    private sealed class IdleTimerState(MusicPlayback playback, ulong guildId)
    {
        public ITimer? Timer { get; set; }

        public void Fire()
        {
            var check = playback.CheckIdleAsync(guildId, Timer);
            playback._idleChecks[guildId] = check;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Playing the next track {Title} (guild {GuildId})")]
        public static partial void Advanced(ILogger logger, ulong guildId, string title);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "The queue finished; idle (guild {GuildId})")]
        public static partial void QueueFinished(ILogger logger, ulong guildId);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Left the voice channel (guild {GuildId})")]
        public static partial void Left(ILogger logger, ulong guildId);

        [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Leaving after {IdleTimeout} idle or alone ({Listeners} listeners, guild {GuildId})")]
        public static partial void IdleLeave(ILogger logger, ulong guildId, TimeSpan idleTimeout, int listeners);

        [LoggerMessage(EventId = 4205, Level = LogLevel.Error, Message = "The idle check failed (guild {GuildId})")]
        public static partial void IdleCheckFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 4206, Level = LogLevel.Information, Message = "The bot is out of voice; ended the music session and forgot its state (guild {GuildId})")]
        public static partial void Ended(ILogger logger, ulong guildId);

        [LoggerMessage(EventId = 4207, Level = LogLevel.Warning, Message = "Lavalink is unavailable; the player of the ended session was not destroyed (guild {GuildId})")]
        public static partial void PlayerNotDestroyed(ILogger logger, Exception exception, ulong guildId);
    }
}
