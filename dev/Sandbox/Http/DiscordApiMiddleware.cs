using Microsoft.Extensions.Logging;
using Serverless.Sandbox.Faults;
using Serverless.Sandbox.Hosting;
using Serverless.Sandbox.Recording;

namespace Serverless.Sandbox.Http;

/// <summary>
/// Outermost layer of <c>/api/v10</c>: captures the body, applies fault rules, and records every call with
/// the status it finally got, whatever produced it (handler, auth, limiter, fault or routing's 404).
/// </summary>
internal static partial class DiscordApiMiddleware
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(SandboxServer.ApiPrefix, StringComparison.Ordinal, out var relative))
        {
            await next(context);
            return;
        }

        var sandbox = context.RequestServices.GetRequiredService<SandboxContext>();
        var logger = sandbox.LoggerFactory.CreateLogger(typeof(DiscordApiMiddleware));
        var at = sandbox.Time.GetUtcNow();
        var started = sandbox.Time.GetTimestamp();
        var path = relative.HasValue ? relative.Value! : "/";
        var body = await RequestBody.CaptureAsync(context);
        var faulted = false;
        int? failedStatus = null;
        try
        {
            if (sandbox.Faults.TryTake(request.Method, path) is { } rule)
            {
                if (rule.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(rule.Delay, sandbox.Time, context.RequestAborted);
                }

                if (rule.StatusCode is { } status)
                {
                    if (rule.AfterHandling)
                    {
                        await HandleThenDiscardAsync(context, next);
                    }

                    faulted = true;
                    Log.FaultInjected(logger, request.Method, path, status);
                    await WriteFaultAsync(context, rule, status);
                    return;
                }
            }

            await next(context);
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            // The server turns this into a 500 after we are gone; record what the bot will see.
            failedStatus = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            var call = sandbox.Recorder.Add(sequence => new RecordedCall(
                sequence,
                request.Method.ToUpperInvariant(),
                path,
                request.QueryString.Value ?? "",
                body.Text,
                failedStatus ?? context.Response.StatusCode,
                at,
                InteractionTokenOf(path),
                request.Headers.Authorization.Count > 0,
                faulted,
                RecordedRateLimit.FromHeaders(context.Response.Headers),
                Math.Round(sandbox.Time.GetElapsedTime(started).TotalMilliseconds, 1)));
            Log.Call(logger, call.Method, call.Path, call.StatusCode, faulted ? " (fault)" : "");
        }
    }

    /// <summary>Runs the real endpoint with its answer written aside, then forgets the answer.</summary>
    private static async Task HandleThenDiscardAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Response.Body;
        await using var aside = new MemoryStream();
        context.Response.Body = aside;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.Clear();
    }

    /// <summary>The token in <c>/webhooks/{app}/{token}/…</c> and <c>/interactions/{id}/{token}/callback</c>.</summary>
    internal static string? InteractionTokenOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 3 && (segments[0] == "webhooks" || segments[0] == "interactions") ? segments[2] : null;
    }

    private static Task WriteFaultAsync(HttpContext context, FaultRule rule, int status)
    {
        if (status == StatusCodes.Status429TooManyRequests)
        {
            RateLimitHeaders.WriteRetry(context.Response, rule.RetryAfter, rule.Global);
            if (!rule.Global)
            {
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
            }

            return DiscordResults.RateLimited(rule.RetryAfter, rule.Global).ExecuteAsync(context);
        }

        var (code, message) = DiscordResults.DefaultErrorFor(status);
        return DiscordResults.Error(status, rule.ErrorCode ?? code, rule.Message ?? message).ExecuteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{Method} {Path} → {StatusCode}{Note}")]
        public static partial void Call(ILogger logger, string method, string path, int statusCode, string note);

        [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Fault rule answers {Method} {Path} with {StatusCode}")]
        public static partial void FaultInjected(ILogger logger, string method, string path, int statusCode);
    }
}
