namespace Serverless.Sandbox.Faults;

/// <summary>
/// Makes matching API calls fail (or slow down) on purpose. A rule matches on method and path; it answers
/// with <see cref="StatusCode"/> for the first <see cref="Times"/> matches, then stops matching.
/// </summary>
public sealed class FaultRule
{
    private int _fired;

    /// <summary>HTTP method to match, e.g. <c>PATCH</c>; null matches any.</summary>
    public string? Method { get; init; }

    /// <summary>Substring of the path relative to the API base (e.g. <c>/messages/@original</c>); null matches any.</summary>
    public string? PathContains { get; init; }

    /// <summary>Status to answer with; null only applies <see cref="Delay"/> and lets the request through.</summary>
    public int? StatusCode { get; init; }

    /// <summary>How many matching calls the rule affects; null for every one.</summary>
    public int? Times { get; init; }

    /// <summary>Waited (on the sandbox's <see cref="TimeProvider"/>) before answering or passing the request on.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Let the request through first (Discord accepts it), then answer <see cref="StatusCode"/> instead of the real
    /// answer: a response lost on the way back, as when a worker dies right after Discord took its post.
    /// </summary>
    public bool AfterHandling { get; init; }

    /// <summary>For 429: the <c>retry_after</c> to report.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>For 429: report the global limit (<c>"global":true</c>, scope <c>global</c>) rather than a route bucket.</summary>
    public bool Global { get; init; }

    /// <summary>JSON error <c>code</c> in the body; null uses Discord's usual code for the status.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Error <c>message</c> in the body; null uses Discord's usual text for the status.</summary>
    public string? Message { get; init; }

    /// <summary>How many calls this rule has affected so far.</summary>
    public int TimesFired => Volatile.Read(ref _fired);

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal));

    /// <summary>Claims one use; false once <see cref="Times"/> is used up.</summary>
    internal bool TryFire()
    {
        while (true)
        {
            var fired = Volatile.Read(ref _fired);
            if (Times is { } times && fired >= times)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _fired, fired + 1, fired) == fired)
            {
                return true;
            }
        }
    }

    internal IEnumerable<string> Problems()
    {
        if (StatusCode is { } status && (status < 100 || status > 599))
        {
            yield return "StatusCode must be an HTTP status between 100 and 599.";
        }

        if (StatusCode is null && Delay <= TimeSpan.Zero)
        {
            yield return "A rule needs a StatusCode, a positive Delay, or both.";
        }

        if (AfterHandling && StatusCode is null)
        {
            yield return "AfterHandling needs a StatusCode to answer with.";
        }

        if (Times is < 1)
        {
            yield return "Times must be at least 1, or null for every matching call.";
        }

        if (Delay < TimeSpan.Zero || RetryAfter < TimeSpan.Zero)
        {
            yield return "Delay and RetryAfter must not be negative.";
        }
    }
}
