namespace Serverless.Domain.Features.Status;

/// <summary>The words <see cref="ShardHeartbeat.State"/> takes: written by the companion, read by <c>/status</c> and <c>/api/healthz</c>.</summary>
public static class ShardStates
{
    public const string Ready = "ready";
    public const string Connecting = "connecting";
    public const string Resuming = "resuming";
    public const string Disconnected = "disconnected";

    /// <summary>Stopped for good (a fatal close code such as 4004 or 4014); needs an operator.</summary>
    public const string Failed = "failed";
}

/// <summary>The words <see cref="CompanionHeartbeat.Lavalink"/> takes.</summary>
public static class LavalinkStates
{
    /// <summary>WebSocket up, session ready, version supported.</summary>
    public const string Ok = "ok";

    /// <summary>Started, first connection not made yet.</summary>
    public const string Connecting = "connecting";

    /// <summary>Was reachable or tried to be, now is not: reconnecting with back-off.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The server is older than 4.2.0 (no DAVE): refused, not used.</summary>
    public const string Unsupported = "unsupported";

    /// <summary><c>Lavalink__Url</c> and <c>Lavalink__Password</c> are unset: music is off.</summary>
    public const string NotConfigured = "not-configured";
}
