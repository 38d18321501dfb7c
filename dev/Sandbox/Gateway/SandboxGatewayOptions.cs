using System.Globalization;
using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Gateway;

/// <summary>How the gateway double (<c>ws://127.0.0.1:PORT/gateway</c>) behaves. Defaults are Discord's numbers.</summary>
public sealed class SandboxGatewayOptions
{
    /// <summary>Sent in Hello. Tests set a few hundred milliseconds so heartbeating shows within a test.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(41250);

    /// <summary>The recommended shard count <c>GET /gateway/bot</c> reports; identifies with fewer shards get 4011.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary><c>session_start_limit.total</c>: identifies allowed per 24 h.</summary>
    public int SessionStartLimit { get; init; } = 1000;

    /// <summary><c>session_start_limit.max_concurrency</c> (reported only; identify buckets are not enforced).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>A payload from the client larger than this closes the connection with 4002.</summary>
    public int MaxPayloadBytes { get; init; } = 4096;

    /// <summary>More payloads than this from one connection within the period close it with 4008.</summary>
    public RouteRateLimit ClientSendLimit { get; init; } = new(120, TimeSpan.FromSeconds(60));

    /// <summary>Dispatches kept per session for Resume; resuming from before the oldest kept one gets op 9 <c>d:false</c>.</summary>
    public int ReplayBufferSize { get; init; } = 1000;

    /// <summary>Which of the two answers to the bot's op 4 comes first. Discord does not promise an order.</summary>
    public VoiceEventOrder VoiceEventOrder { get; init; } = VoiceEventOrder.StateFirst;

    /// <summary>
    /// VOICE_SERVER_UPDATE's <c>endpoint</c>. Any host:port; the default names no real host (<c>.invalid</c>) since
    /// nothing answers voice here: a Lavalink given it will fail to connect, which is all the sandbox can offer.
    /// </summary>
    public string VoiceEndpoint { get; init; } = "sandbox-voice.invalid:443";

    /// <summary>
    /// When set, each join first gets VOICE_SERVER_UPDATE with a null endpoint (no voice server allocated yet) and
    /// the real one this long after: the sequence Discord's docs warn bots to handle.
    /// </summary>
    public TimeSpan? NullVoiceEndpointFor { get; init; }

    /// <summary>READY's <c>application.flags</c>.</summary>
    public int ApplicationFlags { get; init; } = 1 << 23;

    /// <summary>Most received payloads, sent dispatches and connections kept for tests; the oldest go first.</summary>
    public int MaxRecorded { get; init; } = 10_000;

    /// <summary>
    /// The gateway's clock: timestamps of what it records, the send-rate window and the delayed voice endpoint.
    /// Real time by default, not the sandbox's (often fake) clock, because it measures another process's real
    /// heartbeats and sends.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal IEnumerable<string> Problems()
    {
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            yield return "Gateway.HeartbeatInterval must be positive.";
        }

        if (ShardCount < 1 || SessionStartLimit < 0 || MaxConcurrency < 1)
        {
            yield return "Gateway.ShardCount and MaxConcurrency must be at least 1, SessionStartLimit not negative.";
        }

        if (MaxPayloadBytes < 128 || ReplayBufferSize < 1 || MaxRecorded < 1)
        {
            yield return "Gateway.MaxPayloadBytes must be at least 128, ReplayBufferSize and MaxRecorded at least 1.";
        }

        if (ClientSendLimit.Limit < 1 || ClientSendLimit.Period <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Gateway.ClientSendLimit must be at least 1 payload per positive period (was {ClientSendLimit.Limit} per {ClientSendLimit.Period}).");
        }

        if (string.IsNullOrWhiteSpace(VoiceEndpoint))
        {
            yield return "Gateway.VoiceEndpoint must not be empty (Lavalink refuses a blank one).";
        }

        if (NullVoiceEndpointFor is { } delay && delay < TimeSpan.Zero)
        {
            yield return "Gateway.NullVoiceEndpointFor must not be negative.";
        }
    }
}

/// <summary>The order of the two dispatches answering the bot's op 4 Voice State Update.</summary>
public enum VoiceEventOrder
{
    /// <summary>VOICE_STATE_UPDATE, then VOICE_SERVER_UPDATE.</summary>
    StateFirst,

    /// <summary>VOICE_SERVER_UPDATE, then VOICE_STATE_UPDATE.</summary>
    ServerFirst,
}
