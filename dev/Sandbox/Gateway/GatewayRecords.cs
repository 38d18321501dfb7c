using System.Text.Json;

namespace Serverless.Sandbox.Gateway;

/// <summary>A payload a client sent, as received (<paramref name="Data"/> is its <c>d</c>, null when absent or null).</summary>
/// <param name="Index">Position among all received payloads, from 0.</param>
public sealed record GatewayReceivedPayload(long Index, long ConnectionId, int Op, JsonElement? Data, DateTimeOffset At);

/// <summary>
/// A payload the gateway sent, or buffered for a session whose connection was gone (<paramref name="ConnectionId"/>
/// null): a resume replays those.
/// </summary>
public sealed record GatewaySentPayload(long Index, long? ConnectionId, string? SessionId, int Op, string? EventName, long? Sequence, JsonElement? Data, DateTimeOffset At);

/// <summary>A connection became usable: READY after Identify, or RESUMED after a Resume.</summary>
public sealed record GatewaySessionStart(long Index, long ConnectionId, string SessionId, int ShardId, int ShardCount, int Intents, bool Resumed, DateTimeOffset At);

/// <summary>How one WebSocket connection ended; each connection ends once.</summary>
/// <param name="CloseCode">The close code of whoever closed first; null when no close frame was sent.</param>
public sealed record GatewayConnectionEnded(long ConnectionId, string? SessionId, GatewayCloseInitiator InitiatedBy, int? CloseCode, string? Reason, DateTimeOffset At);

public enum GatewayCloseInitiator
{
    /// <summary>The client sent a close frame first; <see cref="GatewayConnectionEnded.CloseCode"/> is the client's.</summary>
    Client,

    /// <summary>The gateway closed with a code (a protocol error or a scripted close).</summary>
    Server,

    /// <summary>The client went away without a close frame.</summary>
    ClientDropped,

    /// <summary>The gateway dropped the connection without a close frame (<see cref="GatewayDouble.DropConnections"/>).</summary>
    ServerDropped,
}

/// <summary>A connection as tests see it now.</summary>
public sealed record GatewayConnectionInfo(long Id, DateTimeOffset OpenedAt, string? SessionId, int? ShardId, bool IsOpen, GatewayConnectionEnded? Ended);

/// <summary>An op 4 Voice State Update the bot sent, and whether the gateway answered it.</summary>
/// <param name="IgnoredBecause">Why no dispatch answered it (scripted, not a voice channel…); null when answered.</param>
public sealed record GatewayVoiceRequest(long ConnectionId, ulong GuildId, ulong? ChannelId, bool SelfMute, bool SelfDeaf, DateTimeOffset At, string? IgnoredBecause)
{
    public bool Answered => IgnoredBecause is null;
}
