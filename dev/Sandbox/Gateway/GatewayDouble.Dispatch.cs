using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Serverless.Sandbox.Json;

namespace Serverless.Sandbox.Gateway;

/// <summary>Sending: dispatches numbered per session and kept for replay, plain ops, and closes.</summary>
public sealed partial class GatewayDouble
{
    /// <summary>Dispatches any event to the sessions of the shard owning <paramref name="guildId"/> (shard 0 when null).</summary>
    public void Dispatch(string eventName, JsonElement data, ulong? guildId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        lock (_lock)
        {
            if (guildId is { } guild)
            {
                DispatchToGuildLocked(guild, eventName, data.Clone(), requiredIntent: null);
                return;
            }

            foreach (var session in LiveSessionsLocked().Where(session => session.ShardId == 0))
            {
                DispatchLocked(session, eventName, data.Clone());
            }
        }
    }

    private void DispatchToGuildLocked(ulong guildId, string eventName, JsonElement data, int? requiredIntent)
    {
        foreach (var session in LiveSessionsLocked().Where(session => session.Owns(guildId) && (requiredIntent is not { } intent || session.HasIntent(intent))))
        {
            DispatchLocked(session, eventName, data);
        }
    }

    /// <summary>Gives the dispatch the session's next sequence number, keeps it for replay, and sends it if a connection holds the session.</summary>
    private void DispatchLocked(GatewaySession session, string eventName, JsonElement data)
    {
        var sequence = session.NextSequence();
        var frame = Frame(0, data, sequence, eventName);
        session.Buffer(new BufferedDispatch(sequence, eventName, data, frame));
        var connection = session.Connection;
        var sent = connection?.TrySend(frame) ?? false;
        var now = _time.GetUtcNow();
        _sent.Add(index => new GatewaySentPayload(index, sent ? connection!.Id : null, session.Id, 0, eventName, sequence, data, now));
    }

    private void SendLocked(GatewayConnection connection, int op, JsonElement? data)
    {
        if (connection.TrySend(Frame(op, data, null, null)))
        {
            var now = _time.GetUtcNow();
            _sent.Add(index => new GatewaySentPayload(index, connection.Id, connection.Session?.Id, op, null, null, data, now));
        }
    }

    private void SendToOpen(int op, JsonElement? data)
    {
        lock (_lock)
        {
            foreach (var connection in OpenConnectionsLocked())
            {
                SendLocked(connection, op, data);
            }
        }
    }

    private void CloseLocked(GatewayConnection connection, int code, string reason)
    {
        if (connection.Closing)
        {
            return;
        }

        connection.Close(code, reason);
        if (connection.Session is { } session && code is 4004 or 4007 or 4009 or (>= 4010 and <= 4014))
        {
            InvalidateLocked(session);
        }

        Log.Closing(_logger, connection.Id, code, reason);
    }

    private static byte[] Frame(int op, JsonElement? data, long? sequence, string? eventName) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new GatewayPayloadWire { Op = op, Data = data, Sequence = sequence, EventName = eventName },
            SandboxJsonContext.Wire.GatewayPayloadWire);

    private static JsonElement Data<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToElement(value, typeInfo);
}
