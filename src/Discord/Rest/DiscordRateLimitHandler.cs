using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Discord.Json;
using Serverless.Ports.RateLimiting;

namespace Serverless.Discord.Rest;

/// <summary>
/// Holds each request until its route bucket and (for bot-authenticated calls) the global limit have a slot,
/// learns buckets from the <c>X-RateLimit-*</c> headers, answers a 429 by waiting its <c>retry_after</c>
/// and trying again, counts invalid requests, and refuses non-essential calls when that budget is spent.
/// </summary>
internal sealed partial class DiscordRateLimitHandler(
    RateLimitCoordinator coordinator,
    InvalidRequestBudget budget,
    DiscordTokenState tokenState,
    IOptions<DiscordRateLimitOptions> options,
    TimeProvider timeProvider,
    DiscordRestMetrics metrics,
    ILogger<DiscordRateLimitHandler> logger) : DelegatingHandler
{
    private readonly DiscordRateLimitOptions _options = options.Value;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var route = DiscordRoute.Parse(request);
        var telemetryRoute = DiscordRoute.TelemetryTemplate(request, route);
        request.Options.TryGetValue(DiscordRequestOptions.CallRecord, out var call);
        var essential = route.IsInteraction || (request.Options.TryGetValue(DiscordRequestOptions.Essential, out var flag) && flag);
        await budget.SyncIfDueAsync(cancellationToken);
        if (!essential && budget.IsExhausted)
        {
            budget.WarnExhausted(route.Template);
            throw new DiscordBudgetExhaustedException(route.Template, budget.Count);
        }

        if (request.Content is not null)
        {
            // Buffered once so that a retry after a 429 sends the same bytes.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        for (var attempt = 0; ; attempt++)
        {
            var (key, waited) = await AcquireSlotsAsync(route, cancellationToken);
            if (waited > TimeSpan.Zero)
            {
                metrics.RecordRateLimitWait(telemetryRoute, waited);
                if (call is not null)
                {
                    call.RateLimitWait += waited;
                }
            }

            if (call is not null)
            {
                call.Attempts++;
                call.LastStatus = null;
            }

            var response = await SendAttemptAsync(request, cancellationToken);
            var status = response.StatusCode;
            if (ReadObservation(response) is { } observation)
            {
                var bucketId = Header(response, "X-RateLimit-Bucket");
                await coordinator.ObserveAsync(route, key, bucketId, observation, cancellationToken);
            }

            if (call is not null)
            {
                call.LastStatus = (int)status;
                call.Bucket = Header(response, "X-RateLimit-Bucket") ?? call.Bucket;
            }

            var scope = Header(response, "X-RateLimit-Scope");
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                || (status == HttpStatusCode.TooManyRequests && !string.Equals(scope, "shared", StringComparison.OrdinalIgnoreCase)))
            {
                budget.Record();
            }

            if (route.CountsTowardGlobal)
            {
                if (status == HttpStatusCode.Unauthorized)
                {
                    tokenState.MarkRejected();
                    Log.TokenRejected(logger, route.Template);
                }
                else if (response.IsSuccessStatusCode)
                {
                    tokenState.MarkAccepted();
                }
            }

            if (status != HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            var (retryAfter, global) = await ReadRetryAsync(response, cancellationToken);
            global |= string.Equals(scope, "global", StringComparison.OrdinalIgnoreCase);
            metrics.RecordRateLimited(ScopeOf(scope, global), telemetryRoute);
            Log.RateLimited(logger, route.Template, retryAfter.TotalMilliseconds, global, scope ?? "-", attempt + 1);
            await coordinator.ExhaustAsync(global ? RateLimitCoordinator.GlobalKey : key, retryAfter, cancellationToken);
            if (attempt + 1 >= _options.Max429Retries || retryAfter > _options.MaxWait)
            {
                response.Dispose();
                throw new DiscordRateLimitedException(route.Template, retryAfter, global);
            }

            // Never an immediate retry: the next pass through the limiter waits out retry_after.
            response.Dispose();
        }
    }

    /// <summary>
    /// A bucket slot, then (bot calls) a global slot. A bucket slot counts in the window it was granted for:
    /// if waiting for the global limit outlived that window, the request would land in the next one
    /// uncounted, so the slot is given up and a fresh one taken. The global slot is kept while it is valid:
    /// giving it up too would loop for ever whenever a global wait is longer than a probe's hold.
    /// </summary>
    /// <remarks>Also returns how long the limiter made the request sleep, for the span and <c>discord.rest.rate_limit_wait</c>.</remarks>
    private async Task<(string Key, TimeSpan Waited)> AcquireSlotsAsync(DiscordRoute route, CancellationToken cancellationToken)
    {
        var globalValidUntil = DateTimeOffset.MinValue;
        var waited = TimeSpan.Zero;
        while (true)
        {
            var (key, validUntil, bucketWait) = await coordinator.AcquireAsync(route, _options.BucketLeaseSize, cancellationToken);
            waited += bucketWait;
            if (!route.CountsTowardGlobal)
            {
                return (key, waited);
            }

            if (timeProvider.GetUtcNow() >= globalValidUntil)
            {
                (globalValidUntil, var globalWait) = await coordinator.AcquireGlobalAsync(route.Template, cancellationToken);
                waited += globalWait;
            }

            if (timeProvider.GetUtcNow() < validUntil)
            {
                return (key, waited);
            }
        }
    }

    /// <summary>The <c>scope</c> dimension of a 429: Discord's <c>X-RateLimit-Scope</c>, else global when flagged so, else user.</summary>
    internal static string ScopeOf(string? scopeHeader, bool global) =>
        string.Equals(scopeHeader, "shared", StringComparison.OrdinalIgnoreCase) ? "shared"
        : global || string.Equals(scopeHeader, "global", StringComparison.OrdinalIgnoreCase) ? "global"
        : "user";

    /// <summary>The network call alone, under <see cref="DiscordRateLimitOptions.AttemptTimeout"/> (on the TimeProvider).</summary>
    private async Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            return await base.SendAsync(request, linked.Token);
        }
        catch (OperationCanceledException exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("Discord did not answer within the attempt timeout.", exception);
        }
    }

    private static BucketObservation? ReadObservation(HttpResponseMessage response)
    {
        if (!TryDouble(response, "X-RateLimit-Reset-After", out var resetAfter) || !TryDouble(response, "X-RateLimit-Remaining", out var remaining))
        {
            return null;
        }

        var limit = TryDouble(response, "X-RateLimit-Limit", out var value) ? (int)value : (int)remaining + 1;
        return new BucketObservation(limit, (int)remaining, TimeSpan.FromSeconds(resetAfter));
    }

    /// <summary>retry_after from the body (seconds, decimals), else the Retry-After header, else 1 s.</summary>
    private static async Task<(TimeSpan RetryAfter, bool Global)> ReadRetryAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var global = string.Equals(Header(response, "X-RateLimit-Global"), "true", StringComparison.OrdinalIgnoreCase);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadFromJsonAsync(DiscordJsonContext.Default.DiscordErrorPayload, cancellationToken);
            if (body?.RetryAfter is { } seconds and >= 0)
            {
                return (TimeSpan.FromSeconds(seconds), global || body.Global == true);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML 429: fall back to the header.
        }

        var header = response.Headers.RetryAfter?.Delta;
        return (header is { } delta && delta > TimeSpan.Zero ? delta : TimeSpan.FromSeconds(1), global);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static bool TryDouble(HttpResponseMessage response, string name, out double value)
    {
        value = 0;
        return Header(response, name) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Discord answered 429 on {Route}: retry after {RetryAfterMs} ms (global: {Global}, scope: {Scope}, attempt {Attempt})")]
        public static partial void RateLimited(ILogger logger, string route, double retryAfterMs, bool global, string scope, int attempt);

        [LoggerMessage(EventId = 2122, Level = LogLevel.Error, Message = "Discord rejected the bot token (401) on {Route}; not retried")]
        public static partial void TokenRejected(ILogger logger, string route);
    }
}
