namespace Serverless.Sandbox.State;

/// <summary>
/// A user (or the bot) connected to a voice channel of a guild, as Discord's voice state object describes it.
/// <paramref name="SessionId"/> is the voice session id that the bot hands to Lavalink.
/// </summary>
public sealed record SandboxVoiceState(
    ulong GuildId,
    ulong UserId,
    ulong ChannelId,
    string SessionId,
    bool SelfMute = false,
    bool SelfDeaf = false);
