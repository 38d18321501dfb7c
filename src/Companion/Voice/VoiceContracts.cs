namespace Serverless.Companion.Voice;

/// <summary>
/// The companion's view of Discord voice: who is in which channel (from <c>GUILD_CREATE</c> voice states and
/// <c>VOICE_STATE_UPDATE</c>), and joining or leaving on the shard that owns the guild.
/// </summary>
public interface IVoiceConnections
{
    /// <summary>The voice channel <paramref name="userId"/> is in, or null, from the gateway's events alone.</summary>
    ulong? FindUserChannel(ulong guildId, ulong userId);

    /// <summary>
    /// Like <see cref="FindUserChannel"/>, but when the companion has not seen the guild's voice states since it started
    /// (a resumed gateway session replays no <c>GUILD_CREATE</c>) it asks Discord, and remembers the answer.
    /// </summary>
    Task<ulong?> LocateUserAsync(ulong guildId, ulong userId, CancellationToken cancellationToken);

    /// <summary>Members other than the bot in <paramref name="channelId"/>.</summary>
    int CountListeners(ulong guildId, ulong channelId);

    /// <summary>The channel the bot is in, or null.</summary>
    ulong? BotChannel(ulong guildId);

    /// <summary>
    /// Sends op 4, waits for the bot's own <c>VOICE_STATE_UPDATE</c> and a <c>VOICE_SERVER_UPDATE</c> with an endpoint
    /// (either order), and hands all four values to Lavalink. Throws <see cref="VoiceConnectException"/> on timeout.
    /// </summary>
    Task ConnectAsync(ulong guildId, ulong channelId, CancellationToken cancellationToken);

    /// <summary>Op 4 with a null channel and the Lavalink player destroyed.</summary>
    Task DisconnectAsync(ulong guildId, CancellationToken cancellationToken);
}

public sealed class VoiceConnectException(string message) : Exception(message);
