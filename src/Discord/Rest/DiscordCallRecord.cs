namespace Serverless.Discord.Rest;

/// <summary>
/// What happens inside one <see cref="DiscordRestClient"/> call, told by the inner handlers to the outer
/// <see cref="DiscordRestTelemetryHandler"/>: it exists only while a span or the duration metric records.
/// One call runs its attempts one after another, so plain fields do.
/// </summary>
internal sealed class DiscordCallRecord
{
    /// <summary>Attempts that reached the network (429 retries and retries after failures alike).</summary>
    public int Attempts { get; set; }

    /// <summary>Total time the rate limiter held the call before its attempts.</summary>
    public TimeSpan RateLimitWait { get; set; }

    /// <summary>Discord's rate-limit bucket hash (<c>X-RateLimit-Bucket</c>), when an answer named it.</summary>
    public string? Bucket { get; set; }

    /// <summary>The status of the last answer, even when the call ended in an exception (a 429 given up on).</summary>
    public int? LastStatus { get; set; }
}
