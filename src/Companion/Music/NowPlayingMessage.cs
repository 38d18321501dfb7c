using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Music;

/// <summary>
/// One message per playing guild in its text channel: created when music starts, then edited in place with the
/// progress bar and buttons, at most every <see cref="MusicOptions.NowPlayingEditInterval"/> except when the track or
/// the pause state changes (a forced refresh), and deleted when the music stops. A message someone deleted is posted
/// again. Failures are logged, never thrown: the message is a view, the music goes on without it.
/// Call only from inside the guild's work (<see cref="GuildSerialExecutor"/>).
/// </summary>
public sealed partial class NowPlayingMessage(
    IMusicTextChannel channel,
    MusicSessionRepository sessions,
    IOptions<MusicOptions> options,
    TimeProvider timeProvider,
    ILogger<NowPlayingMessage> logger)
{
    private readonly ConcurrentDictionary<ulong, Shown> _lastShown = new();
    private readonly TimeSpan _editInterval = options.Value.NowPlayingEditInterval;

    /// <summary>Shows <paramref name="session"/>'s state; without <paramref name="force"/>, only if the last edit is old enough.</summary>
    public async Task RefreshAsync(MusicSession session, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Current is null)
        {
            await RemoveAsync(session, cancellationToken);
            return;
        }

        var known = _lastShown.TryGetValue(session.GuildId, out var last);
        if (!force && known && timeProvider.GetElapsedTime(last.At) < _editInterval)
        {
            return;
        }

        var message = Render(session, timeProvider.GetUtcNow());
        var signature = Signature(message);

        // A paused track renders the same text each time: an edit would spend a rate-limit slot to change nothing.
        if (!force && known && last.MessageId == session.NowPlayingMessageId && last.Signature == signature)
        {
            return;
        }

        try
        {
            if (session.NowPlayingMessageId is { } messageId
                && await channel.EditMessageAsync(session.TextChannelId, messageId, message, cancellationToken))
            {
                _lastShown[session.GuildId] = new Shown(timeProvider.GetTimestamp(), messageId, signature);
                return;
            }

            var created = await channel.CreateMessageAsync(session.TextChannelId, message, cancellationToken);
            _lastShown[session.GuildId] = new Shown(timeProvider.GetTimestamp(), created, signature);
            await sessions.UpdateAsync(session.GuildId, stored => stored.NowPlayingMessageId = created, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RefreshFailed(logger, exception, session.GuildId);
        }
    }

    /// <summary>Deletes the message, if any, and forgets it in the session.</summary>
    public async Task RemoveAsync(MusicSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        _lastShown.TryRemove(session.GuildId, out _);
        if (session.NowPlayingMessageId is not { } messageId)
        {
            return;
        }

        try
        {
            await channel.DeleteMessageAsync(session.TextChannelId, messageId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RemoveFailed(logger, exception, session.GuildId);
        }

        session.NowPlayingMessageId = null;
        await sessions.UpdateAsync(session.GuildId, stored => stored.NowPlayingMessageId = null, cancellationToken);
    }

    /// <summary>The text (with mentions that never ping) and the buttons: pause or resume, skip, stop.</summary>
    public static MusicMessage Render(MusicSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new MusicMessage(
            MusicText.NowPlaying(session, now),
            [
                session.Paused
                    ? new MusicButton(MusicCommand.Buttons.Resume, "Resume", MusicButtonStyle.Primary)
                    : new MusicButton(MusicCommand.Buttons.Pause, "Pause", MusicButtonStyle.Secondary),
                new MusicButton(MusicCommand.Buttons.Skip, "Skip", MusicButtonStyle.Secondary),
                new MusicButton(MusicCommand.Buttons.Stop, "Stop", MusicButtonStyle.Danger),
            ]);
    }

    private static string Signature(MusicMessage message) =>
        string.Join('\n', message.Buttons.Select(button => $"{button.CustomId}:{button.Label}:{button.Style}").Prepend(message.Content));

    private readonly record struct Shown(long At, ulong MessageId, string Signature);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Could not show the now-playing message (guild {GuildId})")]
        public static partial void RefreshFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Could not delete the now-playing message (guild {GuildId})")]
        public static partial void RemoveFailed(ILogger logger, Exception exception, ulong guildId);
    }
}
