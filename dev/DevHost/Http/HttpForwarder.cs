using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Worker;

namespace Serverless.DevHost.Http;

/// <summary>
/// Serves HTTP triggers as the host does for a worker with ASP.NET Core integration (the <c>HttpUri</c> capability):
/// the request goes to the worker's HTTP server at the same path and query with its method, headers (less hop-by-hop
/// ones) and raw body bytes, tagged <c>x-ms-invocation-id</c>; an <c>InvocationRequest</c> with the same id goes on
/// the event stream; the worker's status, headers and body come back unchanged.
/// </summary>
internal sealed partial class HttpForwarder
{
    /// <summary>The header the worker's ASP.NET Core integration matches the request to its invocation with.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>How long an HTTP answer may still take once the worker has reported the invocation failed.</summary>
    private static readonly TimeSpan AnswerAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>Headers that describe one connection rather than the message (RFC 9110 7.6.1), plus Expect, which the client redoes.</summary>
    private static readonly HashSet<string> HopByHopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
    };

    private readonly HttpMessageInvoker _client;
    private readonly FunctionKeys _keys;
    private readonly WorkerSupervisor _supervisor;
    private readonly TimeSpan? _timeout;
    private readonly TimeSpan _workerWait;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="workerWait">How long a request waits for a worker that is restarting before it gets 503.</param>
    public HttpForwarder(HttpMessageInvoker client, FunctionKeys keys, WorkerSupervisor supervisor, TimeSpan? timeout, TimeSpan workerWait, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _keys = keys;
        _supervisor = supervisor;
        _timeout = timeout;
        _workerWait = workerWait;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>An HTTP client for the worker: no proxy, no redirects, no cookies, no decompression, no trace headers.</summary>
    public static HttpMessageInvoker CreateClient() => new(
        new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        },
        disposeHandler: true);

    /// <summary>
    /// Maps <c>/{routePrefix}/{route}</c> of every HTTP function. Functions that share a route are told apart by
    /// method; a method no function declares gets 404, like a path no function serves. A keyed function
    /// (<c>authLevel</c> function or admin) called without a valid key gets 401 and never reaches the worker.
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
        var worker = await _supervisor.WaitForWorkerAsync(_workerWait, context.RequestAborted);
        if (worker is null)
        {
            Log.NoWorker(_logger, function.Name);
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"DevHost: no worker is running to serve function '{function.Name}' (it is restarting or has failed; see the DevHost log).");
            return;
        }

        if (worker.HttpUri is not { } workerUri)
        {
            Log.NoHttpUri(_logger, function.Name);
            await WriteErrorAsync(context, StatusCodes.Status501NotImplemented, $"DevHost: function '{function.Name}' cannot be served: the worker did not declare the HttpUri capability. The DevHost serves HTTP triggers only through the worker's ASP.NET Core integration (ConfigureFunctionsWebApplication).");
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        var started = _timeProvider.GetTimestamp();
        using var timeout = _timeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        using var request = CreateRequest(context, workerUri, invocationId);

        // As the host does: start forwarding first, then send the invocation; the worker pairs them by invocation id.
        var sending = _client.SendAsync(request, linked.Token);
        var invocation = _supervisor.InvokeOnAsync(worker, function.Name, TriggerInputs.Http((HttpTrigger)function.Trigger, context.Request, invocationId), linked.Token);

        HttpResponseMessage response;
        try
        {
            if (await Task.WhenAny(sending, invocation) == invocation && !sending.IsCompleted
                && await invocation is { Succeeded: false } failed)
            {
                // The function failed, or the worker went away: its HTTP answer should follow at once, if it comes at all.
                if (await Task.WhenAny(sending, Task.Delay(AnswerAfterFailure, _timeProvider, linked.Token)) != sending)
                {
                    await linked.CancelAsync();
                    Log.InvocationFailed(_logger, function.Name, invocationId, failed.Error);
                    await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"DevHost: function '{function.Name}' failed: {failed.Error}");
                    await Observe(sending);
                    return;
                }
            }

            response = await sending;
        }
        catch (HttpRequestException exception)
        {
            // The worker could not be reached, or went away during the request: 502 says where it broke.
            Log.Unreachable(_logger, function.Name, invocationId, exception.Message);
            await WriteErrorAsync(context, StatusCodes.Status502BadGateway, $"DevHost: the worker could not be reached for function '{function.Name}': {exception.Message}");
            await Observe(invocation);
            return;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            Log.TimedOut(_logger, function.Name, invocationId, _timeout);
            await WriteErrorAsync(context, StatusCodes.Status504GatewayTimeout, $"DevHost: function '{function.Name}' did not answer within functionTimeout {_timeout}");
            await Observe(invocation);
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyResponseHeaders(response, context.Response);

            // Respond as the worker did; a HEAD answer or a 204 carries no body even if headers announce one.
            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            await body.CopyToAsync(context.Response.Body, linked.Token);
        }

        await Observe(invocation);
        var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        Log.Forwarded(_logger, function.Name, context.Request.Method, context.Request.Path, (int)response.StatusCode, invocationId, elapsedMs);
    }

    /// <summary>Waits for a task whose outcome no longer matters, so that its failure is not left unobserved.</summary>
    private static async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // Already answered.
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, Uri workerUri, string invocationId)
    {
        var incoming = context.Request;

        // The raw target keeps the path and query exactly as the client encoded them.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : $"{incoming.PathBase}{incoming.Path}{incoming.QueryString}";
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(workerUri, target))
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
                || string.Equals(name, InvocationIdHeader, StringComparison.OrdinalIgnoreCase))
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

        request.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
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

        [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "{FunctionName}: the worker could not be reached (Id={InvocationId}): {Error}")]
        public static partial void Unreachable(ILogger logger, string functionName, string invocationId, string error);

        [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "{FunctionName}: {Method} {Path} -> 401, no valid function key (x-functions-key header or code parameter)")]
        public static partial void KeyRefused(ILogger logger, string functionName, string method, PathString path);

        [LoggerMessage(EventId = 404, Level = LogLevel.Error, Message = "{FunctionName}: 503, no worker is running")]
        public static partial void NoWorker(ILogger logger, string functionName);

        [LoggerMessage(EventId = 405, Level = LogLevel.Error, Message = "{FunctionName}: 501, the worker has no HttpUri capability (ASP.NET Core integration), which the DevHost needs to serve HTTP triggers")]
        public static partial void NoHttpUri(ILogger logger, string functionName);

        [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "{FunctionName}: 500, the invocation failed and the worker sent no HTTP answer (Id={InvocationId}): {Error}")]
        public static partial void InvocationFailed(ILogger logger, string functionName, string invocationId, string? error);

        [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "{FunctionName}: no answer within functionTimeout {Timeout} (Id={InvocationId})")]
        public static partial void TimedOut(ILogger logger, string functionName, string invocationId, TimeSpan? timeout);
    }
}
