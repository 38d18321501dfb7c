using System.Security.Cryptography;
using System.Text;

namespace Serverless.Discord.Rest;

/// <summary>
/// What the limiter needs to know about a request, derived from its path: the route template (ids replaced),
/// the major parameter (channel, guild, or a hash of webhook id + token: tokens never reach a key or a log),
/// and whether it counts toward the global limit.
/// </summary>
internal sealed record DiscordRoute(string Template, string MajorParameter, bool IsInteraction, bool CountsTowardGlobal)
{
    /// <summary>Starts the part of a key naming a webhook token's bucket (a hash, never the token).</summary>
    public const string WebhookMajorMarker = "|w:";

    /// <summary>
    /// The key used until Discord tells the route's bucket id: one per route for the whole fleet, so exactly one
    /// request probes an unknown route and everyone learns the bucket from its answer. Per-major probes would let
    /// an instance that already knows the bucket probe a major's bucket row while another probes the route row,
    /// and the first answer would not count the second request. Webhook-token routes stay per token (in process).
    /// </summary>
    public string RouteKey => Template + "|" + (MajorParameter.StartsWith('w') ? MajorParameter : "*");

    /// <summary>True for <see cref="RouteKey"/>: the route's bucket was unknown when the key was made.</summary>
    public static bool IsRouteKey(string key) => !key.StartsWith("b:", StringComparison.Ordinal);

    public string BucketKey(string? bucketId) => bucketId is null ? RouteKey : "b:" + bucketId + "|" + MajorParameter;

    public static DiscordRoute Parse(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();

        // Drop the API base ("api", "v10") so templates are the same whatever the base URL.
        if (segments.Count > 0 && segments[0] == "api")
        {
            segments.RemoveAt(0);
        }

        if (segments.Count > 0 && segments[0].Length > 1 && segments[0][0] == 'v' && segments[0].AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            segments.RemoveAt(0);
        }

        var template = new StringBuilder(request.Method.Method).Append(' ');
        var major = "-";
        var top = segments.Count > 0 ? segments[0] : "";
        var isInteraction = top == "interactions" || (top == "webhooks" && request.Headers.Authorization is null);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var isId = segment.Length > 0 && segment.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
            var isToken = i == 2 && top is "webhooks" or "interactions";
            if (i == 1 && isId && top is "channels" or "guilds")
            {
                major = top[0] + ":" + segment;
            }
            else if (i == 1 && top is "webhooks" or "interactions")
            {
                // The token (segment 2) is part of the major parameter, so hash id and token together.
                var token = segments.Count > 2 ? segments[2] : "";
                major = "w:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(segment + "/" + token)).AsSpan(0, 12));
            }

            template.Append('/').Append(isId ? "{id}" : isToken ? "{token}" : segment);
        }

        var countsTowardGlobal = !isInteraction && string.Equals(request.Headers.Authorization?.Scheme, "Bot", StringComparison.OrdinalIgnoreCase);
        return new DiscordRoute(template.ToString(), major, isInteraction, countsTowardGlobal);
    }

    /// <summary>The template telemetry names the request by: the client's (<see cref="DiscordRequestOptions.Route"/>), else the parsed one.</summary>
    public static string TelemetryTemplate(HttpRequestMessage request, DiscordRoute? parsed = null) =>
        request.Options.TryGetValue(DiscordRequestOptions.Route, out var route) ? route : (parsed ?? Parse(request)).Template;

    public override string ToString() => Template;
}
