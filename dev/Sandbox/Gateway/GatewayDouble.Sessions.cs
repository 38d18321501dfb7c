using System.Security.Cryptography;
using System.Text.Json;
using Serverless.Sandbox.Json;
using Serverless.Sandbox.State;

namespace Serverless.Sandbox.Gateway;

/// <summary>Sessions: Identify (READY and GUILD_CREATE), Resume with replay, the daily identify budget.</summary>
public sealed partial class GatewayDouble
{
    /// <summary>What <c>GET /gateway/bot</c> reports: identifies left in the current 24 h window and when it resets.</summary>
    internal (int Remaining, TimeSpan ResetAfter) SessionStartBudget()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            RollIdentifyWindowLocked(now);
            var resetAfter = _windowStart is { } start ? TimeSpan.FromDays(1) - (now - start) : TimeSpan.FromDays(1);
            return (Math.Max(0, _options.SessionStartLimit - _identifiesInWindow), resetAfter);
        }
    }

    private void IdentifyLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (connection.Session is not null)
        {
            CloseLocked(connection, 4005, "Already authenticated.");
            return;
        }

        if (data is not { ValueKind: JsonValueKind.Object } d)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        if (!IsBotToken(d))
        {
            CloseLocked(connection, 4004, "Authentication failed.");
            return;
        }

        if (!d.TryGetProperty("intents", out var intentsElement) || !GatewayPayloadReader.TryInt32(intentsElement, out var intents) || intents < 0)
        {
            CloseLocked(connection, 4013, "Invalid intent(s).");
            return;
        }

        var (shardId, shardCount) = (0, 1);
        if (d.TryGetProperty("shard", out var shard) && shard.ValueKind != JsonValueKind.Null)
        {
            if (shard.ValueKind != JsonValueKind.Array || shard.GetArrayLength() != 2
                || !GatewayPayloadReader.TryInt32(shard[0], out shardId) || !GatewayPayloadReader.TryInt32(shard[1], out shardCount)
                || shardCount < 1 || shardId < 0 || shardId >= shardCount)
            {
                CloseLocked(connection, 4010, "Invalid shard.");
                return;
            }
        }

        if (shardCount < _options.ShardCount)
        {
            CloseLocked(connection, 4011, "Sharding required.");
            return;
        }

        _identifies++;
        RollIdentifyWindowLocked(now);
        _windowStart ??= now;
        _identifiesInWindow++;
        if (_identifiesToFail > 0)
        {
            _identifiesToFail--;
            SendLocked(connection, 9, MessageJson.False);
            return;
        }

        var session = new GatewaySession(RandomNumberGenerator.GetHexString(32, lowercase: true), shardId, shardCount, intents, _options.ReplayBufferSize);
        AddSessionLocked(session);
        AttachLocked(connection, session);

        var guildIds = _sandbox.State.GuildIds().Where(session.Owns).ToList();
        var ready = new ReadyWire
        {
            User = UserWire.ForBot(_sandbox.State.BotUserId),
            Guilds = [.. guildIds.Select(id => new UnavailableGuildWire { Id = WireText.Snowflake(id) })],
            SessionId = session.Id,
            ResumeGatewayUrl = Url,
            Shard = [shardId, shardCount],
            Application = new ApplicationReferenceWire { Id = WireText.Snowflake(_sandbox.Options.ApplicationId), Flags = _options.ApplicationFlags },
        };
        DispatchLocked(session, "READY", Data(ready, SandboxJsonContext.Wire.ReadyWire));
        foreach (var guildId in guildIds)
        {
            if (GuildCreateData(guildId, session) is { } guildCreate)
            {
                DispatchLocked(session, "GUILD_CREATE", guildCreate);
            }
        }

        _sessionStarts.Add(index => new GatewaySessionStart(index, connection.Id, session.Id, shardId, shardCount, intents, Resumed: false, now));
        Log.Ready(_logger, connection.Id, session.Id, shardId, shardCount, intents);
    }

    private void ResumeLocked(GatewayConnection connection, JsonElement? data, DateTimeOffset now)
    {
        if (connection.Session is not null)
        {
            CloseLocked(connection, 4005, "Already authenticated.");
            return;
        }

        if (data is not { ValueKind: JsonValueKind.Object } d)
        {
            CloseLocked(connection, 4002, "Error while decoding payload.");
            return;
        }

        if (!IsBotToken(d))
        {
            CloseLocked(connection, 4004, "Authentication failed.");
            return;
        }

        _resumes++;
        var sessionId = d.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
        var sequence = d.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var s) ? s : 0;
        if (!_sessions.TryGetValue(sessionId, out var session) || session.Invalidated || session.After(sequence) is not { } missed)
        {
            SendLocked(connection, 9, MessageJson.False);
            return;
        }

        // The session moves to the new connection; Discord ends the old one.
        if (session.Connection is { } old && old != connection)
        {
            old.Drop();
        }

        AttachLocked(connection, session);
        foreach (var dispatch in missed)
        {
            if (connection.TrySend(dispatch.Frame))
            {
                _sent.Add(index => new GatewaySentPayload(index, connection.Id, session.Id, 0, dispatch.EventName, dispatch.Sequence, dispatch.Data, now));
            }
        }

        DispatchLocked(session, "RESUMED", Data(new ResumedWire(), SandboxJsonContext.Wire.ResumedWire));
        _sessionStarts.Add(index => new GatewaySessionStart(index, connection.Id, session.Id, session.ShardId, session.ShardCount, session.Intents, Resumed: true, now));
        Log.Resumed(_logger, connection.Id, session.Id, missed.Count);
    }

    private bool IsBotToken(JsonElement identifyOrResume) =>
        identifyOrResume.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
        && _sandbox.BotToken.Accepts(token.GetString());

    private JsonElement? GuildCreateData(ulong guildId, GatewaySession session)
    {
        if (_sandbox.State.GetGuildSnapshot(guildId) is not { } snapshot)
        {
            return null;
        }

        var bot = _sandbox.State.BotUserId;
        var withVoice = session.HasIntent(GuildVoiceStatesIntent);
        var wire = GuildWire.ForGuildCreate(
            snapshot.Guild,
            joinedAt: WireText.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds((long)(guildId >> 22) + SnowflakeGenerator.DiscordEpochMilliseconds)),
            channels: [.. snapshot.Channels.Select(ChannelWire.From)],
            members: [.. snapshot.Members.Select(member => MemberWire.From(guildId, member.UserId, member.RoleIds, bot))],
            // Inside GUILD_CREATE voice states leave out guild_id, as Discord's do.
            voiceStates: withVoice ? [.. snapshot.VoiceStates.Select(state => VoiceStateWire.From(state, state.ChannelId, null, withGuildId: false))] : []);
        return Data(wire, SandboxJsonContext.Wire.GuildWire);
    }

    private List<GatewaySession> LiveSessionsLocked() => [.. _sessions.Values.Where(session => !session.Invalidated)];

    private static void AttachLocked(GatewayConnection connection, GatewaySession session)
    {
        connection.Session = session;
        connection.LastSessionId = session.Id;
        connection.ShardId = session.ShardId;
        session.Connection = connection;
    }

    private static void InvalidateLocked(GatewaySession session)
    {
        session.Invalidated = true;
        if (session.Connection is { } connection)
        {
            connection.Session = null;
        }

        session.Connection = null;
    }

    private void AddSessionLocked(GatewaySession session)
    {
        _sessions.Add(session.Id, session);
        _sessionOrder.Enqueue(session.Id);
        while (_sessionOrder.Count > MaxSessionsKept)
        {
            _sessions.Remove(_sessionOrder.Dequeue());
        }
    }

    private void RollIdentifyWindowLocked(DateTimeOffset now)
    {
        if (_windowStart is { } start && now - start >= TimeSpan.FromDays(1))
        {
            _windowStart = null;
            _identifiesInWindow = 0;
        }
    }
}
