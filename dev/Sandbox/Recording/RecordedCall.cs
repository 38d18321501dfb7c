using System.Globalization;
using System.Text.Json.Serialization;

namespace Serverless.Sandbox.Recording;

/// <summary>One request the bot made to the sandbox's Discord API, as the sandbox answered it.</summary>
/// <param name="Sequence">Position in the recording, from 0; keeps counting after the recording is cleared.</param>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">Path relative to the API base, as in Discord's docs: <c>/webhooks/{app}/{token}/messages/@original</c>.</param>
/// <param name="Query">Query string including the leading <c>?</c>, or empty.</param>
/// <param name="Body">Request body as text, or empty.</param>
/// <param name="StatusCode">Status the sandbox answered with.</param>
/// <param name="At">When the request arrived, by the sandbox's <see cref="TimeProvider"/>.</param>
/// <param name="InteractionToken">The interaction token in the path of webhook and callback routes.</param>
/// <param name="HasAuthorization">Whether an <c>Authorization</c> header was sent; its value is never kept.</param>
/// <param name="Faulted">Whether the answer came from a <see cref="Faults.FaultRule"/>.</param>
/// <param name="RateLimit">The rate-limit headers of the answer, null when it had none.</param>
/// <param name="DurationMilliseconds">From the request's arrival to its answer, on the sandbox's <see cref="TimeProvider"/>.</param>
public sealed record RecordedCall(
    long Sequence,
    string Method,
    string Path,
    string Query,
    string Body,
    int StatusCode,
    DateTimeOffset At,
    string? InteractionToken,
    bool HasAuthorization,
    bool Faulted,
    RecordedRateLimit? RateLimit = null,
    [property: JsonPropertyName("durationMs")] double DurationMilliseconds = 0)
{
    /// <summary>Path and query, e.g. for messages.</summary>
    public override string ToString() => $"{Method} {Path}{Query} → {StatusCode}";
}

/// <summary>Discord's rate-limit headers on one answer; each null when the header was not sent.</summary>
/// <param name="ResetAfter">Seconds until the bucket refills (<c>X-RateLimit-Reset-After</c>).</param>
/// <param name="RetryAfter">Seconds to wait after a 429 (<c>Retry-After</c>).</param>
public sealed record RecordedRateLimit(int? Limit, int? Remaining, double? ResetAfter, string? Bucket, string? Scope, double? RetryAfter, bool? Global)
{
    /// <returns>Null when none of the headers is present.</returns>
    public static RecordedRateLimit? FromHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var limit = Integer(headers["X-RateLimit-Limit"]);
        var remaining = Integer(headers["X-RateLimit-Remaining"]);
        var resetAfter = Number(headers["X-RateLimit-Reset-After"]);
        var bucket = Text(headers["X-RateLimit-Bucket"]);
        var scope = Text(headers["X-RateLimit-Scope"]);
        var retryAfter = Number(headers.RetryAfter);
        bool? global = Text(headers["X-RateLimit-Global"]) is { } text ? string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) : null;
        return limit is null && remaining is null && resetAfter is null && bucket is null && scope is null && retryAfter is null && global is null
            ? null
            : new RecordedRateLimit(limit, remaining, resetAfter, bucket, scope, retryAfter, global);
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues values) => values.Count > 0 ? values[0] : null;

    private static int? Integer(Microsoft.Extensions.Primitives.StringValues values) =>
        int.TryParse(Text(values), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? Number(Microsoft.Extensions.Primitives.StringValues values) =>
        double.TryParse(Text(values), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
