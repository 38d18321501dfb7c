using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Sandbox.RateLimiting;

namespace Serverless.Sandbox.Http;

/// <summary>Discord's <c>X-RateLimit-*</c> headers.</summary>
internal static class RateLimitHeaders
{
    private static readonly ConcurrentDictionary<string, string> Buckets = new(StringComparer.Ordinal);

    /// <summary>
    /// An opaque, stable id per method and route template. Like Discord's it leaves out the top-level
    /// resource values, so two channels share a bucket id but not a counter.
    /// </summary>
    public static string BucketFor(string method, string routeTemplate) =>
        Buckets.GetOrAdd(method + " " + routeTemplate, static key => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16)));

    public static void Write(HttpResponse response, RateLimitDecision decision, string bucket)
    {
        var headers = response.Headers;
        if (decision is { Allowed: false, Global: true })
        {
            // A global 429 is about the bot, not this route; Discord sends no bucket headers with it.
            WriteRetry(response, decision.RetryAfter, global: true);
            return;
        }

        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = Seconds(decision.ResetAt.ToUnixTimeMilliseconds() / 1000.0);
        headers["X-RateLimit-Reset-After"] = Seconds(decision.ResetAfter.TotalSeconds);
        headers["X-RateLimit-Bucket"] = bucket;
        if (!decision.Allowed)
        {
            WriteRetry(response, decision.RetryAfter, global: false);
        }
    }

    /// <summary>Headers of a 429: <c>Retry-After</c> in whole seconds (rounded up), the scope, and the global flag.</summary>
    public static void WriteRetry(HttpResponse response, TimeSpan retryAfter, bool global)
    {
        var headers = response.Headers;
        headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Scope"] = global ? "global" : "user";
        if (global)
        {
            headers["X-RateLimit-Global"] = "true";
        }
    }

    private static string Seconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
