namespace Serverless.Ports.RateLimiting;

/// <summary>
/// What every instance agrees on about one rate-limit window: <paramref name="Remaining"/> slots not yet
/// claimed by any instance until <paramref name="ResetAt"/>. <paramref name="Probing"/> marks a bucket whose
/// limits are not known yet: one request is out to learn them, and the others wait for its headers.
/// </summary>
public sealed record BucketState(int Limit, int Remaining, DateTimeOffset ResetAt, TimeSpan Period, bool Probing = false);

/// <summary>Limits to assume for a key that has never answered with headers (the global limit has no headers).</summary>
/// <param name="Limit">Null when unknown: the first request probes alone.</param>
public sealed record BucketDefaults(int? Limit, TimeSpan Period)
{
    /// <summary>A route bucket: unknown until its first response.</summary>
    public static BucketDefaults Unknown { get; } = new(null, TimeSpan.FromSeconds(1));
}

/// <summary>
/// The answer to a reservation: <paramref name="Granted"/> slots (0 when none) usable until
/// <paramref name="ValidUntil"/>; when none were granted, try again at <paramref name="ValidUntil"/>.
/// </summary>
/// <param name="Probe">The one request sent into an unknown bucket: its answer is news for every instance.</param>
public readonly record struct Reservation(int Granted, DateTimeOffset ValidUntil, bool Probe = false);

/// <summary>What one response said about its bucket (the <c>X-RateLimit-*</c> headers, or a 429's retry_after).</summary>
public readonly record struct BucketObservation(int Limit, int Remaining, TimeSpan ResetAfter);
