namespace Serverless.Companion.Voice;

/// <summary>
/// The one gateway call voice needs: op 4 (Update Voice State) on the shard that owns the guild.
/// The host adapts the gateway client to it.
/// </summary>
public interface IVoiceGatewaySender
{
    /// <summary>Sends op 4 for <paramref name="guildId"/>; a null <paramref name="channelId"/> leaves voice.</summary>
    Task SendVoiceStateUpdateAsync(ulong guildId, ulong? channelId, bool selfMute, bool selfDeaf, CancellationToken cancellationToken);
}

/// <summary>
/// What voice tells the music service. Handlers run on the gateway's dispatch loop: keep them short and hand real
/// work to another task. A handler that throws is logged and does not disturb the others.
/// </summary>
public interface IVoiceConnectionEvents
{
    /// <summary>
    /// The bot's channel in the guild, or the number of listeners in it (members other than the bot and other bots),
    /// changed. Read <see cref="IVoiceConnections.BotChannel"/> and <see cref="IVoiceConnections.CountListeners"/> for
    /// the new values, e.g. to start or cancel an idle-leave timer.
    /// </summary>
    event Action<ulong>? BotChannelListenersChanged;

    /// <summary>
    /// The bot lost a voice connection it had made, without <see cref="IVoiceConnections.DisconnectAsync"/>: kicked or
    /// disconnected by a moderator, or removed from the guild. The connection is already forgotten; stop playback
    /// and clean up the player.
    /// </summary>
    event Action<VoiceConnectionLost>? ConnectionLost;
}

public enum VoiceConnectionLostReason
{
    /// <summary>Discord reported the bot's voice channel as null: kicked or disconnected by someone else.</summary>
    DisconnectedFromChannel,

    /// <summary>GUILD_DELETE without <c>unavailable</c>: the bot was removed from the guild.</summary>
    RemovedFromGuild,
}

public sealed record VoiceConnectionLost(ulong GuildId, ulong? LastChannelId, VoiceConnectionLostReason Reason);

/// <summary>Discord's answer to "which voice channel is this member in" (<c>GET /guilds/{guild}/voice-states/{user}</c>).</summary>
public interface IVoiceStateLookup
{
    /// <summary>The member's voice state, or null when they are in no voice channel.</summary>
    Task<VoiceMemberState?> GetAsync(ulong guildId, ulong userId, CancellationToken cancellationToken);
}
