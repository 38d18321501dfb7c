using Serverless.Companion.Music;
using Serverless.Companion.Voice;
using Serverless.Domain.Controls;

namespace Serverless.Companion.Controls;

/// <summary>Where the companion is present in voice, and how it leaves a guild for good.</summary>
public interface IGuildVoicePresence
{
    /// <summary>Guilds whose voice channel the bot is in, or that have a music session (playing, paused or queued).</summary>
    Task<IReadOnlySet<ulong>> GuildsWithVoiceAsync(CancellationToken cancellationToken);

    /// <summary>Stops playback, clears the queue and leaves the voice channel, as <c>/music leave</c> does.</summary>
    Task LeaveAsync(ulong guildId, CancellationToken cancellationToken);
}

/// <summary>Voice and music as they are: the voice coordinator's channels, the stored sessions, and music's own leave.</summary>
public sealed class MusicGuildVoicePresence(VoiceConnectionCoordinator voice, MusicPlayback playback) : IGuildVoicePresence
{
    public async Task<IReadOnlySet<ulong>> GuildsWithVoiceAsync(CancellationToken cancellationToken)
    {
        var guilds = new HashSet<ulong>(voice.ConnectedGuilds);
        guilds.UnionWith(await playback.Sessions.ListActiveGuildsAsync(cancellationToken));
        return guilds;
    }

    // In the guild's serial work, so it does not interleave with a /music command or a track event of that guild.
    public Task LeaveAsync(ulong guildId, CancellationToken cancellationToken) =>
        playback.Work.RunAsync(guildId, work => playback.LeaveAsync(guildId, work), cancellationToken);
}

/// <summary>
/// Makes a guild block reach voice: every few seconds, for each guild with an active block where the companion is in
/// voice or has a music session, stops playback, clears the queue and leaves. Active work only (the holder of the lease
/// is the one in voice). The Functions app refuses the guild's commands; this ends what was already playing.
/// </summary>
public sealed partial class BlockedGuildVoiceLeaver(
    IGuildVoicePresence presence,
    IOperatorControls controls,
    TimeProvider timeProvider,
    ILogger<BlockedGuildVoiceLeaver> logger) : BackgroundService
{
    /// <summary>Well inside the 30 s a control takes to reach every instance (the controls' own refresh comes on top).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await CheckOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(CheckInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass; returns the guilds it left. Never throws but for cancellation: a failure is logged and retried next pass.</summary>
    internal async Task<IReadOnlyList<ulong>> CheckOnceAsync(CancellationToken cancellationToken)
    {
        var left = new List<ulong>();
        try
        {
            var now = timeProvider.GetUtcNow();
            var snapshot = await controls.GetAsync(cancellationToken);
            var blocked = snapshot.Blocks.Where(block => block.IsActive(now)).ToList();
            if (blocked.Count == 0)
            {
                // Nothing to look up: the common case costs no storage read.
                return left;
            }

            var present = await presence.GuildsWithVoiceAsync(cancellationToken);
            foreach (var block in blocked.Where(block => present.Contains(block.GuildId)))
            {
                try
                {
                    await presence.LeaveAsync(block.GuildId, cancellationToken);
                    left.Add(block.GuildId);
                    Log.LeftBlockedGuild(logger, block.GuildId, block.BlockedBy);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.LeaveFailed(logger, exception, block.GuildId);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CheckFailed(logger, exception);
        }

        return left;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9121, Level = LogLevel.Warning, Message = "Guild {GuildId} is blocked (by {BlockedBy}): stopped its music and left its voice channel")]
        public static partial void LeftBlockedGuild(ILogger logger, ulong guildId, string blockedBy);

        [LoggerMessage(EventId = 9122, Level = LogLevel.Error, Message = "Could not leave the voice channel of blocked guild {GuildId}; trying again at the next check")]
        public static partial void LeaveFailed(ILogger logger, Exception exception, ulong guildId);

        [LoggerMessage(EventId = 9123, Level = LogLevel.Warning, Message = "Could not check the guild blocks against voice; trying again at the next check")]
        public static partial void CheckFailed(ILogger logger, Exception exception);

    }
}
