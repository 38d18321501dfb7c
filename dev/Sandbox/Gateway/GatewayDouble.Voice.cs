using System.Security.Cryptography;
using System.Text.Json;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Gateway;

/// <summary>
/// Voice answers: the bot's op 4 answered with VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE (in a scripted order, with a
/// scripted null endpoint first), and users put into voice channels by tests.
/// </summary>
public sealed partial class GatewayDouble
{
    /// <summary>The order of the two answers to the next op 4 (starts as <see cref="SandboxGatewayOptions.VoiceEventOrder"/>).</summary>
    public VoiceEventOrder VoiceEventOrder
    {
        get
        {
            lock (_lock)
            {
                return _voiceEventOrder;
            }
        }

        set
        {
            lock (_lock)
            {
                _voiceEventOrder = value;
            }
        }
    }

    /// <summary>See <see cref="SandboxGatewayOptions.NullVoiceEndpointFor"/>; null sends the real endpoint at once.</summary>
    public TimeSpan? NullVoiceEndpointFor
    {
        get
        {
            lock (_lock)
            {
                return _nullVoiceEndpointFor;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value ?? TimeSpan.Zero, TimeSpan.Zero);
            lock (_lock)
            {
                _nullVoiceEndpointFor = value;
            }
        }
    }

    public string VoiceEndpoint
    {
        get
        {
            lock (_lock)
            {
                return _voiceEndpoint;
            }
        }

        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            lock (_lock)
            {
                _voiceEndpoint = value;
            }
        }
    }


    /// <summary>
    /// Puts a user (not the bot: it joins with op 4) into a voice channel of the guild, moves them, or takes them out
    /// (<paramref name="channelId"/> null), then dispatches VOICE_STATE_UPDATE to the sessions of the shard owning
    /// the guild. Later GUILD_CREATEs and <c>GET /guilds/{id}/voice-states/{user}</c> show the same state.
    /// </summary>
    /// <returns>The user's voice state now; null when out of voice.</returns>
    /// <exception cref="ArgumentException">The bot's id, or a channel that is not a voice channel of the guild.</exception>
    public SandboxVoiceState? SetUserVoiceChannel(ulong guildId, ulong userId, ulong? channelId, bool selfMute = false, bool selfDeaf = false)
    {
        if (userId == _sandbox.State.BotUserId)
        {
            throw new ArgumentException("The bot joins voice by sending op 4 on the gateway, not through this method.", nameof(userId));
        }

        lock (_lock)
        {
            var (current, previous) = _sandbox.State.SetVoiceChannel(guildId, userId, channelId, NewVoiceSessionId, selfMute, selfDeaf);
            if (current is not null || previous is not null)
            {
                DispatchVoiceStateLocked(guildId, userId, current, previous, selfMute, selfDeaf);
            }

            return current;
        }
    }

    /// <summary>
    /// A moderator disconnects the bot from voice in the guild: its voice state goes and VOICE_STATE_UPDATE with a
    /// null channel is dispatched, as Discord does. (Discord also closes the voice connection with 4014; the Lavalink
    /// double's <c>CloseVoiceConnection</c> plays that part.)
    /// </summary>
    /// <returns>False when the bot was in no voice channel there.</returns>
    public bool DisconnectBotFromVoice(ulong guildId)
    {
        lock (_lock)
        {
            var (_, previous) = _sandbox.State.SetVoiceChannel(guildId, _sandbox.State.BotUserId, null, NewVoiceSessionId);
            if (previous is null)
            {
                return false;
            }

            DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, null, previous, previous.SelfMute, previous.SelfDeaf);
            return true;
        }
    }

    /// <summary>The next <paramref name="count"/> op 4 requests are recorded but get no answer, as when the channel is full.</summary>
    public void IgnoreNextVoiceRequests(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _voiceRequestsToIgnore = count;
        }
    }

    /// <summary>
    /// Dispatches VOICE_SERVER_UPDATE with a new token for the guild: a null <paramref name="endpoint"/> says the voice
    /// server went away, a new one says it moved.
    /// </summary>
    public void SendVoiceServerUpdate(ulong guildId, string? endpoint)
    {
        lock (_lock)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", VoiceServerData(guildId, endpoint), requiredIntent: null);
        }
    }

    private void VoiceStateUpdateLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (data is not { ValueKind: JsonValueKind.Object } d || !GatewayPayloadReader.TryReadSnowflake(d, "guild_id", out var guildId) || guildId is not { } guild)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        GatewayPayloadReader.TryReadSnowflake(d, "channel_id", out var channelId);
        var selfMute = d.TryGetProperty("self_mute", out var mute) && mute.ValueKind == JsonValueKind.True;
        var selfDeaf = d.TryGetProperty("self_deaf", out var deaf) && deaf.ValueKind == JsonValueKind.True;

        string? ignoredBecause = null;
        if (_voiceRequestsToIgnore > 0)
        {
            _voiceRequestsToIgnore--;
            ignoredBecause = "scripted: IgnoreNextVoiceRequests";
        }
        else
        {
            var botId = _sandbox.State.BotUserId;
            try
            {
                var (current, previous) = _sandbox.State.SetVoiceChannel(guild, botId, channelId, NewVoiceSessionId, selfMute, selfDeaf);
                AnswerBotVoiceLocked(guild, current, previous, selfMute, selfDeaf);
            }
            catch (ArgumentException exception)
            {
                ignoredBecause = exception.Message;
                Log.VoiceRequestIgnored(_logger, guild, channelId ?? 0, exception.Message);
            }
        }

        _voiceRequests.Add(_ => new GatewayVoiceRequest(connection.Id, guild, channelId, selfMute, selfDeaf, now, ignoredBecause));
    }

    private void AnswerBotVoiceLocked(ulong guildId, SandboxVoiceState? current, SandboxVoiceState? previous, bool selfMute, bool selfDeaf)
    {
        if (current is null)
        {
            // Leaving: only the voice state, with a null channel. Not being in voice already still gets it.
            DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, null, previous, selfMute, selfDeaf);
            return;
        }

        var nullFirst = _nullVoiceEndpointFor;
        var server = VoiceServerData(guildId, nullFirst is null ? _voiceEndpoint : null);
        if (_voiceEventOrder == VoiceEventOrder.ServerFirst)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", server, requiredIntent: null);
        }

        DispatchVoiceStateLocked(guildId, _sandbox.State.BotUserId, current, previous, selfMute, selfDeaf);
        if (_voiceEventOrder == VoiceEventOrder.StateFirst)
        {
            DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", server, requiredIntent: null);
        }

        if (nullFirst is { } delay)
        {
            _ = SendAllocatedEndpointLaterAsync(guildId, current.SessionId, delay);
        }
    }

    /// <summary>The real endpoint after the scripted null one, unless the bot has left or moved since.</summary>
    private async Task SendAllocatedEndpointLaterAsync(ulong guildId, string voiceSessionId, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (_sandbox.State.GetVoiceState(guildId, _sandbox.State.BotUserId)?.SessionId == voiceSessionId)
            {
                DispatchToGuildLocked(guildId, "VOICE_SERVER_UPDATE", VoiceServerData(guildId, _voiceEndpoint), requiredIntent: null);
            }
        }
    }

    private void DispatchVoiceStateLocked(ulong guildId, ulong userId, SandboxVoiceState? current, SandboxVoiceState? previous, bool selfMute, bool selfDeaf)
    {
        // A user who leaves keeps the session id they had; one who was never in voice gets a fresh one.
        var state = current ?? previous ?? new SandboxVoiceState(guildId, userId, 0, NewVoiceSessionId(), selfMute, selfDeaf);
        var member = MemberWire.From(guildId, userId, _sandbox.State.GetMemberRoles(guildId, userId) ?? [], _sandbox.State.BotUserId);
        var wire = VoiceStateWire.From(state with { SelfMute = selfMute, SelfDeaf = selfDeaf }, current?.ChannelId, member, withGuildId: true);
        DispatchToGuildLocked(guildId, "VOICE_STATE_UPDATE", Data(wire, SandboxJsonContext.Wire.VoiceStateWire), GuildVoiceStatesIntent);
    }

    private static JsonElement VoiceServerData(ulong guildId, string? endpoint) => Data(
        new VoiceServerUpdateWire { Token = RandomNumberGenerator.GetHexString(16, lowercase: true), GuildId = WireText.Snowflake(guildId), Endpoint = endpoint },
        SandboxJsonContext.Wire.VoiceServerUpdateWire);

    private static string NewVoiceSessionId() => RandomNumberGenerator.GetHexString(32, lowercase: true);
}
