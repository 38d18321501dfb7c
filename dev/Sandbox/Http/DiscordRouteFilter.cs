using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Hosting;

namespace Serverless.Sandbox.Http;

/// <summary>
/// What Discord checks before a route's handler runs, in Discord's order: bot authentication, then the
/// global and per-route limits (their headers go on every answer that passed auth), then the body's content type.
/// </summary>
internal static partial class DiscordRouteFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DiscordRouteMetadata>() is not { } route)
        {
            return await next(invocation);
        }

        var sandbox = context.RequestServices.GetRequiredService<SandboxContext>();
        var request = context.Request;
        if (route.RequiresBotAuth && !IsBot(request, sandbox.BotToken.Current))
        {
            return DiscordResults.Unauthorized();
        }

        if (sandbox.RateLimiter.Enabled)
        {
            var template = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? request.Path.Value ?? "";
            var bucket = RateLimitHeaders.BucketFor(request.Method, template);
            var decision = sandbox.RateLimiter.Acquire(bucket, MajorParameter(request.RouteValues), route.Category, countsTowardGlobal: route.RequiresBotAuth);
            RateLimitHeaders.Write(context.Response, decision, bucket);
            if (!decision.Allowed)
            {
                var logger = sandbox.LoggerFactory.CreateLogger(typeof(DiscordRouteFilter));
                if (logger.IsEnabled(LogLevel.Information))
                {
                    Log.RateLimited(logger, request.Method, request.Path.Value ?? "", decision.Global, decision.RetryAfter.TotalSeconds);
                }
                return DiscordResults.RateLimited(decision);
            }
        }

        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsPut(request.Method))
            && RequestBody.Of(context).Text.Length > 0
            && !RequestBody.HasJsonContentType(request))
        {
            return DiscordResults.InvalidContentType();
        }

        return await next(invocation);
    }

    private static bool IsBot(HttpRequest request, string botToken) =>
        string.Equals(request.Headers.Authorization.ToString(), "Bot " + botToken, StringComparison.Ordinal);

    /// <summary>Discord's "top-level resource": webhook id + token, else channel, else guild.</summary>
    private static string MajorParameter(RouteValueDictionary values)
    {
        if (values.TryGetValue("token", out var token))
        {
            var owner = values.TryGetValue("appId", out var app) ? app : values.GetValueOrDefault("interactionId");
            return $"webhook:{owner}:{token}";
        }

        if (values.TryGetValue("channelId", out var channel))
        {
            return $"channel:{channel}";
        }

        return values.TryGetValue("guildId", out var guild) ? $"guild:{guild}" : "";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Rate limited {Method} {Path} (global: {Global}); retry after {RetryAfterSeconds:0.###} s")]
        public static partial void RateLimited(ILogger logger, string method, string path, bool global, double retryAfterSeconds);
    }
}
