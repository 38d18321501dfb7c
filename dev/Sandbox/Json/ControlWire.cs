using System.Text.Json;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Json;

// Shapes of the sandbox's own control API under /_sandbox (camelCase; not Discord's).

internal sealed class SandboxInfoWire
{
    public required string ApplicationId { get; init; }

    public required string PublicKey { get; init; }

    public required string BaseUrl { get; init; }

    public required string ApiBaseUrl { get; init; }

    public required string BotInteractionsUrl { get; init; }

    /// <summary>Fake and local: the dev script needs it to configure the bot.</summary>
    public required string BotToken { get; init; }

    public required string BotUserId { get; init; }

    public required string DefaultGuildId { get; init; }

    public required string DefaultChannelId { get; init; }

    public required string DefaultUserId { get; init; }

    public required string DefaultVoiceChannelId { get; init; }

    /// <summary><c>ws://127.0.0.1:PORT/gateway</c>.</summary>
    public required string GatewayUrl { get; init; }
}

/// <summary><c>POST /_sandbox/token</c>: the new bot token (in the request, optional: a random one when left out).</summary>
internal sealed class TokenRotationWire
{
    public string? Token { get; init; }
}

internal sealed class CallsWire
{
    /// <summary>Pass as <c>?since=</c> next time to get only newer calls.</summary>
    public long NextSequence { get; init; }

    public required IReadOnlyList<RecordedCall> Calls { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/interactions</c>.</summary>
internal sealed class SendInteractionRequestWire
{
    /// <summary>Command name, optionally with subcommand (group) after spaces: <c>"music play"</c>. Leading <c>/</c> is ignored.</summary>
    public string? Name { get; init; }

    /// <summary>Either an object <c>{"query":"x","count":2}</c> (types inferred) or an array of <c>{name, type?, value}</c>.</summary>
    public JsonElement? Options { get; init; }

    /// <summary>Sends a PING instead of a command.</summary>
    public bool Ping { get; init; }

    public string? GuildId { get; init; }

    public string? ChannelId { get; init; }

    public string? UserId { get; init; }

    public string? MemberPermissions { get; init; }

    public string? BotUrl { get; init; }
}

internal sealed class SentInteractionWire
{
    public required string InteractionId { get; init; }

    public required string Token { get; init; }

    public int StatusCode { get; init; }

    public string ResponseBody { get; init; } = "";

    public string? ResponseContentType { get; init; }

    public double ElapsedMilliseconds { get; init; }

    public bool DeadlineExceeded { get; init; }

    public string? Error { get; init; }

    /// <summary>The call sequence when the interaction was sent: calls the bot made for it are at or after this.</summary>
    public long CallSequence { get; init; }
}

internal sealed class FaultRuleWire
{
    public string? Method { get; init; }

    public string? PathContains { get; init; }

    public int? StatusCode { get; init; }

    public int? Times { get; init; }

    public double? DelayMilliseconds { get; init; }

    public double? RetryAfterSeconds { get; init; }

    public bool Global { get; init; }

    public int? ErrorCode { get; init; }

    public string? Message { get; init; }

    public int TimesFired { get; init; }

    public FaultRule ToRule() => new()
    {
        Method = Method,
        PathContains = PathContains,
        StatusCode = StatusCode,
        Times = Times,
        Delay = TimeSpan.FromMilliseconds(DelayMilliseconds ?? 0),
        RetryAfter = RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(1),
        Global = Global,
        ErrorCode = ErrorCode,
        Message = Message,
    };

    public static FaultRuleWire From(FaultRule rule) => new()
    {
        Method = rule.Method,
        PathContains = rule.PathContains,
        StatusCode = rule.StatusCode,
        Times = rule.Times,
        DelayMilliseconds = rule.Delay.TotalMilliseconds,
        RetryAfterSeconds = rule.RetryAfter.TotalSeconds,
        Global = rule.Global,
        ErrorCode = rule.ErrorCode,
        Message = rule.Message,
        TimesFired = rule.TimesFired,
    };
}

internal sealed class ControlErrorWire
{
    public required string Error { get; init; }
}

/// <summary><c>GET /_sandbox/gateway</c>: what the gateway double has seen, for scripts and for tests in other processes.</summary>
internal sealed class GatewayStatusWire
{
    public required string Url { get; init; }

    public int ShardCount { get; init; }

    public int HeartbeatIntervalMilliseconds { get; init; }

    public int Identifies { get; init; }

    public int Resumes { get; init; }

    public int HeartbeatsReceived { get; init; }

    public required string VoiceEventOrder { get; init; }

    public double? NullVoiceEndpointForMilliseconds { get; init; }

    public required string VoiceEndpoint { get; init; }

    public required List<GatewayConnectionWire> Connections { get; init; }

    public required List<GatewaySessionStartWire> SessionStarts { get; init; }

    public required List<GatewayVoiceRequestWire> VoiceRequests { get; init; }
}

internal sealed class GatewayConnectionWire
{
    public long Id { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public string? SessionId { get; init; }

    public int? ShardId { get; init; }

    public bool IsOpen { get; init; }

    /// <summary>Client, Server, ClientDropped or ServerDropped; null while open.</summary>
    public string? EndedBy { get; init; }

    public int? CloseCode { get; init; }

    public string? CloseReason { get; init; }

    public DateTimeOffset? EndedAt { get; init; }
}

internal sealed class GatewaySessionStartWire
{
    public long ConnectionId { get; init; }

    public required string SessionId { get; init; }

    public int ShardId { get; init; }

    public int ShardCount { get; init; }

    public int Intents { get; init; }

    public bool Resumed { get; init; }

    public DateTimeOffset At { get; init; }
}

internal sealed class GatewayVoiceRequestWire
{
    public long ConnectionId { get; init; }

    public required string GuildId { get; init; }

    public string? ChannelId { get; init; }

    public bool SelfMute { get; init; }

    public bool SelfDeaf { get; init; }

    public DateTimeOffset At { get; init; }

    public string? IgnoredBecause { get; init; }
}

/// <summary><c>GET /_sandbox/gateway/received?since=</c>.</summary>
internal sealed class GatewayReceivedWire
{
    /// <summary>Pass as <c>?since=</c> next time to get only newer payloads.</summary>
    public long NextIndex { get; init; }

    public required List<GatewayReceivedPayloadWire> Payloads { get; init; }
}

internal sealed class GatewayReceivedPayloadWire
{
    public long Index { get; init; }

    public long ConnectionId { get; init; }

    public int Op { get; init; }

    public JsonElement? D { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>Body of the gateway fault endpoints; each reads the fields it needs.</summary>
internal sealed class GatewayFaultRequestWire
{
    /// <summary><c>zombie</c>: also stop ACKing connections opened later.</summary>
    public bool IncludingNewConnections { get; init; }

    /// <summary><c>invalid-session</c>: the op 9 <c>d</c>.</summary>
    public bool Resumable { get; init; }

    /// <summary><c>close</c>: the close code.</summary>
    public int? Code { get; init; }

    public string? Reason { get; init; }

    /// <summary><c>fail-identifies</c>, <c>ignore-voice</c>: how many.</summary>
    public int? Count { get; init; }
}

/// <summary>Body of <c>PUT /_sandbox/gateway/voice</c>: how op 4 is answered from now on; absent fields stay.</summary>
internal sealed class GatewayVoiceSettingsWire
{
    /// <summary><c>stateFirst</c> or <c>serverFirst</c>.</summary>
    public string? Order { get; init; }

    /// <summary>A null endpoint first, the real one this many ms later; 0 or negative turns it off.</summary>
    public double? NullEndpointForMilliseconds { get; init; }

    public string? Endpoint { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/gateway/voice-server</c>.</summary>
internal sealed class GatewayVoiceServerRequestWire
{
    public string? GuildId { get; init; }

    /// <summary>Null: the voice server went away.</summary>
    public string? Endpoint { get; init; }
}

/// <summary>Body of <c>POST /_sandbox/voice-states</c>: a null or absent <c>channelId</c> takes the user out of voice.</summary>
internal sealed class VoiceStateRequestWire
{
    public string? GuildId { get; init; }

    public string? UserId { get; init; }

    public string? ChannelId { get; init; }

    public bool SelfMute { get; init; }

    public bool SelfDeaf { get; init; }
}

internal sealed class VoiceStateControlWire
{
    public required string GuildId { get; init; }

    public required string UserId { get; init; }

    /// <summary>Null when the user is not in voice.</summary>
    public string? ChannelId { get; init; }

    public string? SessionId { get; init; }

    public bool SelfMute { get; init; }

    public bool SelfDeaf { get; init; }
}
