using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Serverless.DevHost.Handler;
using Serverless.DevHost.Metadata;

namespace Serverless.DevHost.Http;

/// <summary>
/// Serves forwarded HTTP triggers as the host does with <c>enableForwardingHttpRequest</c>: the request goes to the
/// handler at the same path and query with its method, headers (less hop-by-hop ones) and raw body bytes, and the
/// handler's status, headers and body come back unchanged.
/// </summary>
internal sealed partial class HttpForwarder
{
    /// <summary>Headers that describe one connection rather than the message (RFC 9110 7.6.1), plus Expect, which the client redoes.</summary>
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
    };

    private readonly HttpMessageInvoker _client;
    private readonly FunctionKeys _keys;
    private readonly Uri _handlerBase;
    private readonly TimeSpan? _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public HttpForwarder(HttpMessageInvoker client, FunctionKeys keys, Uri handlerBase, TimeSpan? timeout, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _keys = keys;
        _handlerBase = handlerBase;
        _timeout = timeout;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Maps <c>/{routePrefix}/{route}</c> of every HTTP function. Functions that share a route are told apart by
    /// method; a method no function declares gets 404, like a path no function serves. A keyed function
    /// (<c>authLevel</c> function or admin) called without a valid key gets 401 and never reaches the handler.
    /// </summary>
    public void MapFunctions(IEndpointRouteBuilder endpoints, IEnumerable<FunctionDefinition> functions, string routePrefix)
    {
        var byRoute = functions
            .Where(function => function.Trigger is HttpTrigger)
            .GroupBy(function => HttpTrigger.Template(routePrefix, ((HttpTrigger)function.Trigger).Route), StringComparer.OrdinalIgnoreCase);
        foreach (var group in byRoute)
        {
            var candidates = group.ToList();
            endpoints.Map("/" + group.Key, context =>
            {
                var function = candidates.Find(candidate =>
                {
                    var methods = ((HttpTrigger)candidate.Trigger).Methods;
                    return methods.Count == 0 || methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase);
                });
                if (function is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                if (!_keys.IsAuthorized(function, (HttpTrigger)function.Trigger, context.Request))
                {
                    Log.KeyRefused(_logger, function.Name, context.Request.Method, context.Request.Path);
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                }

                return ForwardAsync(context, function);
            });
        }
    }

    internal async Task ForwardAsync(HttpContext context, FunctionDefinition function)
    {
        var invocationId = Guid.NewGuid().ToString();
        var started = _timeProvider.GetTimestamp();
        using var timeout = _timeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        using var request = CreateRequest(context, invocationId);

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, linked.Token);
        }
        catch (HttpRequestException exception)
        {
            // The host fails the invocation when the handler cannot be reached; 502 says where it broke.
            Log.Unreachable(_logger, function.Name, invocationId, exception.Message);
            await WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"DevHost: the handler could not be reached for function '{function.Name}': {exception.Message}");
            return;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            Log.TimedOut(_logger, function.Name, invocationId, _timeout);
            await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, $"DevHost: function '{function.Name}' did not answer within functionTimeout {_timeout}");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response, context.Response);

            // Respond as the handler did; a HEAD answer or a 204 carries no body even if headers announce one.
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            await body.CopyToAsync(context.Response.Body, linked.Token);
        }

        var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        Log.Forwarded(_logger, function.Name, context.Request.Method, context.Request.Path, (int)response.StatusCode, invocationId, elapsedMs);
    }

    private HttpRequestMessage CreateRequest(HttpContext context, string invocationId)
    {
        var incoming = context.Request;

        // The raw target keeps the path and query exactly as the client encoded them.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : $"{incoming.PathBase}{incoming.Path}{incoming.QueryString}";
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(_handlerBase, target))
        {
            Version = System.Net.HttpVersion.Version11,
        };

        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? incoming.ContentLength > 0;
        if (canHaveBody)
        {
            request.Content = new StreamContent(incoming.Body);
        }
        else if (incoming.ContentLength == 0)
        {
            // Keep an explicit "Content-Length: 0" as it was sent.
            request.Content = new ByteArrayContent([]);
        }

        var connectionTokens = ConnectionTokens(incoming.Headers.Connection);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHopHeaders.Contains(name) || connectionTokens.Contains(name)
                || string.Equals(name, HandlerInvoker.InvocationIdHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = values.ToString();
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.TryAddWithoutValidation(HandlerInvoker.InvocationIdHeader, invocationId);
        return request;
    }

    private static void CopyResponseHeaders(HttpResponseMessage response, HttpResponse outgoing)
    {
        var connectionTokens = ConnectionTokens(new StringValues([.. response.Headers.Connection]));
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (HopByHopHeaders.Contains(name) || connectionTokens.Contains(name))
            {
                continue;
            }

            outgoing.Headers[name] = new StringValues([.. values]);
        }
    }

    private static HashSet<string> ConnectionTokens(StringValues connection) =>
        new(connection.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
            StringComparer.OrdinalIgnoreCase);

    private static async Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "{FunctionName}: {Method} {Path} -> {StatusCode} (Id={InvocationId}, Duration={ElapsedMs:F0}ms)")]
        public static partial void Forwarded(ILogger logger, string functionName, string method, PathString path, int statusCode, string invocationId, double elapsedMs);

        [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "{FunctionName}: the handler could not be reached (Id={InvocationId}): {Error}")]
        public static partial void Unreachable(ILogger logger, string functionName, string invocationId, string error);

        [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "{FunctionName}: {Method} {Path} -> 401, no valid function key (x-functions-key header or code parameter)")]
        public static partial void KeyRefused(ILogger logger, string functionName, string method, PathString path);

        [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "{FunctionName}: no answer within functionTimeout {Timeout} (Id={InvocationId})")]
        public static partial void TimedOut(ILogger logger, string functionName, string invocationId, TimeSpan? timeout);
    }
}
