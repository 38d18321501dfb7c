using Microsoft.Extensions.Options;
using Serverless.Companion.Lavalink;
using Serverless.Companion.Voice;
using Serverless.Companion.VoiceQueue;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Permissions;

namespace Serverless.Companion.Music;

/// <summary>
/// Runs one <c>/music</c> command (or now-playing button click) taken from the <c>voice</c> queue, inside its guild's
/// work, and answers it: a slash command by editing its "thinking…" message (<c>@original</c>); a button, whose click
/// Functions acknowledged without a message (DEFERRED_UPDATE_MESSAGE), by refreshing the now-playing message, and
/// with an ephemeral follow-up when the click could not be done. Expected refusals are sentences; anything unexpected
/// is logged and answered "Something went wrong (reference …)".
/// </summary>
public sealed partial class MusicCommandHandler(
    MusicPlayback playback,
    ILavalinkPlayers lavalink,
    IVoiceConnections voice,
    IVoicePermissionCheck permissions,
    IInteractionResponder responder,
    TrackLinkPolicy links,
    IOptions<MusicOptions> options,
    TimeProvider timeProvider,
    ILogger<MusicCommandHandler> logger) : IVoiceWorkHandler
{
    private readonly string _searchPrefix = options.Value.SearchPrefix;

    /// <summary>Tests pass a seeded one so shuffles are repeatable.</summary>
    internal Random Random { get; init; } = Random.Shared;

    public async Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var invocation = command.Invocation;
        // Expired and redelivered commands were already dropped by the voice queue consumer (its ledger is durable).
        var fromButton = invocation.Options.ContainsKey(InteractionRoute.ComponentOption);
        string? reply;
        if (invocation.GuildId is not { } guildId)
        {
            reply = MusicText.GuildOnly;
        }
        else if (!MusicCommand.TryParse(invocation.Options, out var request, out var error))
        {
            reply = error;
        }
        else
        {
            try
            {
                reply = await playback.Work.RunAsync(guildId, token => RunAsync(guildId, invocation, request, token), cancellationToken);
                Log.Handled(logger, request.Action, invocation.CorrelationId, guildId);
            }
            catch (LavalinkUnavailableException exception)
            {
                Log.LavalinkUnavailable(logger, exception, request.Action, invocation.CorrelationId, guildId);
                reply = MusicText.LavalinkUnavailable;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.Failed(logger, exception, request.Action, invocation.CorrelationId, guildId);
                reply = MusicText.SomethingWentWrong(invocation.CorrelationId);
            }
        }

        await AnswerAsync(command, fromButton, reply, cancellationToken);
    }

    /// <returns>The answer; null for a button click that succeeded (the now-playing message shows the result).</returns>
    private async Task<string?> RunAsync(ulong guildId, CommandInvocation invocation, MusicRequest request, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var session = await playback.Sessions.GetAsync(guildId, cancellationToken);
        switch (request.Action)
        {
            case MusicAction.Play:
                return await PlayAsync(guildId, invocation, request.Query!, session, cancellationToken);
            case MusicAction.Queue:
                return session is null ? MusicText.QueuePage(new MusicSession(guildId, 0, 0), 1, now) : MusicText.QueuePage(session, request.Page, now);
            case MusicAction.NowPlaying:
                return session is null ? MusicText.NothingPlaying : MusicText.NowPlaying(session, now);
        }

        if (session is null)
        {
            return request.Action == MusicAction.Leave ? "I'm not in a voice channel." : MusicText.NothingPlaying;
        }

        var userChannel = await voice.LocateUserAsync(guildId, invocation.UserId, cancellationToken);
        if (userChannel != session.VoiceChannelId)
        {
            return userChannel is null ? MusicText.JoinVoiceFirst : MusicText.JoinBotChannel(session.VoiceChannelId);
        }

        if (!lavalink.IsAvailable && request.Action != MusicAction.Shuffle && request.Action != MusicAction.Unshuffle)
        {
            return MusicText.LavalinkUnavailable;
        }

        string? done = request.Action switch
        {
            MusicAction.Pause => await SetPausedAsync(session, paused: true, cancellationToken),
            MusicAction.Resume => await SetPausedAsync(session, paused: false, cancellationToken),
            MusicAction.Skip => await SkipAsync(session, cancellationToken),
            MusicAction.Stop => await StopAsync(session, cancellationToken),
            MusicAction.Volume => await SetVolumeAsync(session, request.Volume, cancellationToken),
            MusicAction.Shuffle => await ShuffleAsync(guildId, cancellationToken),
            MusicAction.Unshuffle => await UnshuffleAsync(guildId, cancellationToken),
            MusicAction.Leave => await LeaveAsync(session, cancellationToken),
            _ => throw new InvalidOperationException($"Unhandled music action {request.Action}."),
        };
        return request.FromButton && done is not null && !IsRefusal(done) ? null : done;
    }

    private async Task<string> PlayAsync(ulong guildId, CommandInvocation invocation, string query, MusicSession? session, CancellationToken cancellationToken)
    {
        string identifier;
        if (TrackLinkPolicy.TryParseLink(query, out var link))
        {
            var verdict = await links.CheckAsync(link, cancellationToken);
            if (verdict != TrackLinkVerdict.Allowed)
            {
                Log.LinkRefused(logger, verdict, link.IdnHost, invocation.CorrelationId, guildId);
                return verdict == TrackLinkVerdict.HostUnknown ? MusicText.LinkHostUnknown : MusicText.LinkNotAllowed;
            }

            // The link as checked, normalised, so Lavalink's parser cannot read a different host out of the raw text.
            identifier = link.AbsoluteUri;
        }
        else
        {
            identifier = _searchPrefix + query;
        }

        if (await voice.LocateUserAsync(guildId, invocation.UserId, cancellationToken) is not { } userChannel)
        {
            return MusicText.JoinVoiceFirst;
        }

        if (!lavalink.IsAvailable)
        {
            return MusicText.LavalinkUnavailable;
        }

        var botChannel = voice.BotChannel(guildId);
        if (session is { IsIdle: false } && botChannel is { } busy && busy != userChannel && voice.CountListeners(guildId, busy) > 0)
        {
            return MusicText.BusyElsewhere(busy);
        }

        if (botChannel != userChannel)
        {
            var check = await permissions.CheckCanJoinAsync(guildId, userChannel, cancellationToken);
            if (!check.CanJoin)
            {
                return check.Problem!;
            }

            try
            {
                await voice.ConnectAsync(guildId, userChannel, cancellationToken);
            }
            catch (VoiceConnectException exception)
            {
                Log.ConnectFailed(logger, exception, invocation.CorrelationId, guildId);
                return $"I couldn't join {MusicText.Channel(userChannel)}: Discord didn't complete the voice connection. Try again in a moment.";
            }
        }

        var loaded = await lavalink.LoadTracksAsync(identifier, cancellationToken);
        IReadOnlyList<LavalinkTrack> found = loaded.Type switch
        {
            LoadResultType.Track or LoadResultType.Playlist => loaded.Tracks,
            LoadResultType.Search => loaded.Tracks.Take(1).ToList(),
            _ => [],
        };
        if (loaded.Type == LoadResultType.Error)
        {
            // Logged, never shown: the error text can tell what Lavalink reached (hosts, ports) inside the network.
            Log.LoadFailed(logger, loaded.ErrorMessage, invocation.CorrelationId, guildId);
            return MusicText.CouldNotLoad;
        }

        if (found.Count == 0)
        {
            return MusicText.NothingFound(query);
        }

        var tracks = found.Select(track => ToMusicTrack(track, invocation.UserId)).ToList();
        EnqueueResult? result = null;
        MusicTrack? started = null;
        var saved = await playback.Sessions.UpdateAsync(
            guildId,
            stored =>
            {
                stored.VoiceChannelId = userChannel;
                result = stored.Enqueue(tracks);
                started = stored.IsIdle && result.Added.Count > 0 ? stored.AdvanceToNext(timeProvider.GetUtcNow()) : null;
            },
            cancellationToken,
            create: () => new MusicSession(guildId, userChannel, invocation.ChannelId ?? 0));
        if (result is null || result.Added.Count == 0)
        {
            return MusicText.QueueFull();
        }

        if (started is not null)
        {
            await playback.StartAsync(saved!, started, 0, cancellationToken);
            await playback.NowPlaying.RefreshAsync(saved!, force: true, cancellationToken);
        }
        else
        {
            // Queued tracks show in the now-playing message's "up next" count at its next refresh.
            await playback.NowPlaying.RefreshAsync(saved!, force: false, cancellationToken);
        }

        if (loaded.Type == LoadResultType.Playlist)
        {
            return MusicText.QueuedPlaylist(loaded.PlaylistName, result, started is not null);
        }

        return started is not null ? MusicText.StartedPlaying(started) : MusicText.Queued(result.Added[0], result.FirstPosition);
    }

    private async Task<string> SetPausedAsync(MusicSession session, bool paused, CancellationToken cancellationToken)
    {
        if (session.IsIdle)
        {
            return MusicText.NothingPlaying;
        }

        if (session.Paused == paused)
        {
            return paused ? "The music is already paused." : "The music is already playing.";
        }

        await lavalink.UpdatePlayerAsync(session.GuildId, new LavalinkPlayerUpdate { Paused = paused }, noReplace: false, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var saved = await playback.Sessions.UpdateAsync(session.GuildId, stored =>
        {
            stored.RecordPosition(stored.PositionAt(now), now);
            stored.Paused = paused;
        }, cancellationToken);
        await playback.NowPlaying.RefreshAsync(saved!, force: true, cancellationToken);
        return paused ? "Paused." : "Resumed.";
    }

    private async Task<string> SkipAsync(MusicSession session, CancellationToken cancellationToken)
    {
        if (session.Current is not { } skipped)
        {
            return MusicText.NothingPlaying;
        }

        var next = await playback.AdvanceAsync(session.GuildId, stopCurrent: true, cancellationToken);
        return next is null
            ? $"Skipped {MusicText.Describe(skipped)}. That was the last track."
            : $"Skipped {MusicText.Describe(skipped)}. {MusicText.StartedPlaying(next)}";
    }

    private async Task<string> StopAsync(MusicSession session, CancellationToken cancellationToken)
    {
        await lavalink.UpdatePlayerAsync(session.GuildId, new LavalinkPlayerUpdate { StopTrack = true }, noReplace: false, cancellationToken);
        var saved = await playback.Sessions.UpdateAsync(session.GuildId, stored => stored.Clear(timeProvider.GetUtcNow()), cancellationToken);
        await playback.NowPlaying.RemoveAsync(saved!, cancellationToken);
        playback.ScheduleIdleLeave(session.GuildId);
        return "Stopped and cleared the queue.";
    }

    private async Task<string> SetVolumeAsync(MusicSession session, int volume, CancellationToken cancellationToken)
    {
        await lavalink.UpdatePlayerAsync(session.GuildId, new LavalinkPlayerUpdate { Volume = MusicVolume.ToLavalink(volume) }, noReplace: false, cancellationToken);
        var saved = await playback.Sessions.UpdateAsync(session.GuildId, stored => stored.SetVolume(volume), cancellationToken);
        await playback.NowPlaying.RefreshAsync(saved!, force: false, cancellationToken);
        return MusicText.Volume(volume);
    }

    private async Task<string> ShuffleAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var shuffled = false;
        var saved = await playback.Sessions.UpdateAsync(guildId, stored => shuffled = stored.Shuffle(Random), cancellationToken);
        return shuffled
            ? $"Shuffled {saved!.Upcoming.Count} tracks. `/music unshuffle` puts them back."
            : MusicText.NothingToShuffle;
    }

    private async Task<string> UnshuffleAsync(ulong guildId, CancellationToken cancellationToken)
    {
        var restored = false;
        await playback.Sessions.UpdateAsync(guildId, stored => restored = stored.Unshuffle(), cancellationToken);
        return restored ? "Put the tracks up next back in their order before the shuffle." : MusicText.NothingToUnshuffle;
    }

    private async Task<string> LeaveAsync(MusicSession session, CancellationToken cancellationToken)
    {
        var channel = session.VoiceChannelId;
        await playback.LeaveAsync(session.GuildId, cancellationToken);
        return $"Left {MusicText.Channel(channel)}.";
    }

    private async Task AnswerAsync(DeferredCommand command, bool fromButton, string? reply, CancellationToken cancellationToken)
    {
        if (reply is null)
        {
            return;
        }

        try
        {
            if (fromButton)
            {
                await responder.SendEphemeralFollowupAsync(command.ApplicationId, command.InteractionToken, reply, cancellationToken);
            }
            else
            {
                await responder.EditOriginalAsync(command.ApplicationId, command.InteractionToken, reply, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The music already changed; the user just doesn't see the sentence. Never retried into a dead token.
            Log.AnswerFailed(logger, exception, command.Invocation.CorrelationId, command.Invocation.GuildId);
        }
    }

    /// <summary>Button clicks that did what was asked answer nothing; these sentences still go to the clicker.</summary>
    private static bool IsRefusal(string reply) =>
        reply == MusicText.NothingPlaying || reply.StartsWith("The music is already", StringComparison.Ordinal);

    private static MusicTrack ToMusicTrack(LavalinkTrack track, ulong requesterId) => new()
    {
        Encoded = track.Encoded,
        Title = track.Info.Title,
        Author = track.Info.Author,
        Length = TimeSpan.FromMilliseconds(Math.Max(0, track.Info.LengthMs)),
        Uri = track.Info.Uri,
        IsStream = track.Info.IsStream,
        RequesterId = requesterId,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Music {Action} done ({CorrelationId}, guild {GuildId})")]
        public static partial void Handled(ILogger logger, MusicAction action, string correlationId, ulong guildId);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Music {Action} failed ({CorrelationId}, guild {GuildId})")]
        public static partial void Failed(ILogger logger, Exception exception, MusicAction action, string correlationId, ulong guildId);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Music {Action}: Lavalink unavailable ({CorrelationId}, guild {GuildId})")]
        public static partial void LavalinkUnavailable(ILogger logger, Exception exception, MusicAction action, string correlationId, ulong guildId);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Could not join the voice channel ({CorrelationId}, guild {GuildId})")]
        public static partial void ConnectFailed(ILogger logger, Exception exception, string correlationId, ulong guildId);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Could not answer the music command ({CorrelationId}, guild {GuildId})")]
        public static partial void AnswerFailed(ILogger logger, Exception exception, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Refused a link to host {Host}: {Verdict} ({CorrelationId}, guild {GuildId})")]
        public static partial void LinkRefused(ILogger logger, TrackLinkVerdict verdict, string host, string correlationId, ulong guildId);

        [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Lavalink could not load the track: {LavalinkError} ({CorrelationId}, guild {GuildId})")]
        public static partial void LoadFailed(ILogger logger, string? lavalinkError, string correlationId, ulong guildId);

    }
}
