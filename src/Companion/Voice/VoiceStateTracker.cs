using Microsoft.Extensions.Logging;
using Serverless.Discord.Gateway.Events;

namespace Serverless.Companion.Voice;

/// <summary>
/// Who is in which voice channel, per guild, as the gateway reports it: filled from <c>GUILD_CREATE</c>'s voice
/// states, kept current by <c>VOICE_STATE_UPDATE</c>, dropped on <c>GUILD_DELETE</c>. The bot's own id comes from
/// <c>READY</c>. Updates arrive on the gateway's loop while commands read from other threads, so every access takes
/// one lock; <see cref="BotChannelListenersChanged"/> is raised after it is released.
/// </summary>
public sealed partial class VoiceStateTracker(ILogger<VoiceStateTracker> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Dictionary<ulong, Member>> _guilds = [];

    // Guilds whose full voice picture came from GUILD_CREATE; for others a missing member proves nothing.
    private readonly HashSet<ulong> _loadedGuilds = [];
    private ulong? _botUserId;

    /// <summary>The bot's channel or its listener count changed in the guild; see <see cref="IVoiceConnectionEvents"/>.</summary>
    public event Action<ulong>? BotChannelListenersChanged;

    /// <summary>The bot's user id from READY, or null before it.</summary>
    public ulong? BotUserId
    {
        get
        {
            lock (_lock)
            {
                return _botUserId;
            }
        }
    }

    public void SetBotUser(ulong botUserId)
    {
        lock (_lock)
        {
            _botUserId = botUserId;
        }
    }

    /// <summary>The voice channel <paramref name="userId"/> is in, or null.</summary>
    public ulong? FindUserChannel(ulong guildId, ulong userId)
    {
        lock (_lock)
        {
            return _guilds.TryGetValue(guildId, out var members) && members.TryGetValue(userId, out var member)
                ? member.ChannelId
                : null;
        }
    }

    /// <summary>Whether GUILD_CREATE gave this guild's voice states since the companion started.</summary>
    public bool HasLoaded(ulong guildId)
    {
        lock (_lock)
        {
            return _loadedGuilds.Contains(guildId);
        }
    }

    /// <summary>Members in <paramref name="channelId"/> other than the bot and other bots (when Discord said they are bots).</summary>
    public int CountListeners(ulong guildId, ulong channelId)
    {
        lock (_lock)
        {
            return CountListenersLocked(guildId, channelId);
        }
    }

    /// <summary>The channel the bot is in, or null (also before READY).</summary>
    public ulong? BotChannel(ulong guildId)
    {
        lock (_lock)
        {
            return BotChannelLocked(guildId);
        }
    }

    /// <summary>The bot's voice session id in the guild, or null.</summary>
    public string? BotSessionId(ulong guildId)
    {
        lock (_lock)
        {
            return _botUserId is { } botUserId && _guilds.TryGetValue(guildId, out var members) && members.TryGetValue(botUserId, out var bot)
                ? bot.SessionId
                : null;
        }
    }

    /// <summary>Replaces everything known about the guild's voice states (GUILD_CREATE, also after an outage).</summary>
    public void ReplaceGuild(ulong guildId, IReadOnlyList<VoiceMemberState> voiceStates)
    {
        ArgumentNullException.ThrowIfNull(voiceStates);
        (ulong? Channel, int Listeners) before, after;
        lock (_lock)
        {
            before = BotAudienceLocked(guildId);
            var members = new Dictionary<ulong, Member>(voiceStates.Count);
            foreach (var state in voiceStates)
            {
                if (state.ChannelId is { } channelId)
                {
                    members[state.UserId] = new Member(channelId, state.SessionId, state.IsBot ?? false);
                }
            }

            _guilds[guildId] = members;
            _loadedGuilds.Add(guildId);
            after = BotAudienceLocked(guildId);
        }

        Log.GuildVoiceStatesLoaded(logger, guildId, voiceStates.Count);
        RaiseIfChanged(guildId, before, after);
    }

    /// <summary>Applies one VOICE_STATE_UPDATE: a join, a move, a session change, or (null channel) a leave.</summary>
    public void Apply(ulong guildId, VoiceMemberState state)
    {
        (ulong? Channel, int Listeners) before, after;
        lock (_lock)
        {
            before = BotAudienceLocked(guildId);
            if (!_guilds.TryGetValue(guildId, out var members))
            {
                members = [];
                _guilds[guildId] = members;
            }

            if (state.ChannelId is { } channelId)
            {
                // A state without the member object keeps what was known about the user being a bot.
                var wasBot = members.TryGetValue(state.UserId, out var previous) && previous.IsBot;
                members[state.UserId] = new Member(channelId, state.SessionId, state.IsBot ?? wasBot);
            }
            else
            {
                members.Remove(state.UserId);
            }

            after = BotAudienceLocked(guildId);
        }

        RaiseIfChanged(guildId, before, after);
    }

    /// <summary>Forgets the guild (GUILD_DELETE: removed, or unavailable until its next GUILD_CREATE).</summary>
    public void RemoveGuild(ulong guildId)
    {
        (ulong? Channel, int Listeners) before;
        lock (_lock)
        {
            before = BotAudienceLocked(guildId);
            _guilds.Remove(guildId);
            _loadedGuilds.Remove(guildId);
        }

        RaiseIfChanged(guildId, before, (null, 0));
    }

    private (ulong? Channel, int Listeners) BotAudienceLocked(ulong guildId) =>
        BotChannelLocked(guildId) is { } channelId ? (channelId, CountListenersLocked(guildId, channelId)) : (null, 0);

    private ulong? BotChannelLocked(ulong guildId) =>
        _botUserId is { } botUserId && _guilds.TryGetValue(guildId, out var members) && members.TryGetValue(botUserId, out var bot)
            ? bot.ChannelId
            : null;

    private int CountListenersLocked(ulong guildId, ulong channelId)
    {
        if (!_guilds.TryGetValue(guildId, out var members))
        {
            return 0;
        }

        var count = 0;
        foreach (var (userId, member) in members)
        {
            if (member.ChannelId == channelId && userId != _botUserId && !member.IsBot)
            {
                count++;
            }
        }

        return count;
    }

    private void RaiseIfChanged(ulong guildId, (ulong? Channel, int Listeners) before, (ulong? Channel, int Listeners) after)
    {
        if (before == after || BotChannelListenersChanged is not { } handlers)
        {
            return;
        }

        Log.BotChannelListenersChanged(logger, guildId, after.Channel, after.Listeners);
        foreach (var handler in handlers.GetInvocationList().Cast<Action<ulong>>())
        {
            try
            {
                handler(guildId);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop the gateway loop or the other subscribers.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ListenerHandlerFailed(logger, exception, guildId);
            }
        }
    }

    private readonly record struct Member(ulong ChannelId, string? SessionId, bool IsBot);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7301, Level = LogLevel.Debug, Message = "Voice states of guild {GuildId} loaded: {VoiceStateCount} members in voice")]
        public static partial void GuildVoiceStatesLoaded(ILogger logger, ulong guildId, int voiceStateCount);

        [LoggerMessage(EventId = 7302, Level = LogLevel.Debug, Message = "Bot's voice audience changed in guild {GuildId}: channel {ChannelId}, {ListenerCount} listeners")]
        public static partial void BotChannelListenersChanged(ILogger logger, ulong guildId, ulong? channelId, int listenerCount);

        [LoggerMessage(EventId = 7303, Level = LogLevel.Error, Message = "A listener-count handler failed for guild {GuildId}")]
        public static partial void ListenerHandlerFailed(ILogger logger, Exception exception, ulong guildId);
    }
}
