using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.Handler;

/// <summary>
/// Invokes queue and timer functions on the handler: <c>POST http://127.0.0.1:{port}/{functionName}</c> with the
/// host's payload, the invocation id header, and <c>functionTimeout</c> as the limit.
/// </summary>
internal sealed partial class HandlerInvoker : IFunctionInvoker
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    private readonly HttpMessageInvoker _client;
    private readonly Uri _handlerBase;
    private readonly TimeSpan? _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public HandlerInvoker(HttpMessageInvoker client, Uri handlerBase, TimeSpan? timeout, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _handlerBase = handlerBase;
        _timeout = timeout;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>An HTTP client for the handler: no proxy, no redirects, no cookies, no decompression, no trace headers.</summary>
    public static HttpMessageInvoker CreateClient() => new(
        new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,

            // The host sends no trace context; the handler must correlate on the invocation id.
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        },
        disposeHandler: true);

    public async Task<InvocationResult> InvokeAsync(string functionName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        using var timeout = _timeout is { } limit ? new CancellationTokenSource(limit, _timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_handlerBase, Uri.EscapeDataString(functionName)))
        {
            Content = new ReadOnlyMemoryContent(payload),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);

        var started = _timeProvider.GetTimestamp();
        InvocationResult result;
        try
        {
            using var response = await _client.SendAsync(request, linked.Token);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            result = InvocationResponse.Read((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            result = InvocationResult.Failure($"timed out after functionTimeout {_timeout}");
        }
        catch (HttpRequestException exception)
        {
            result = InvocationResult.Failure($"the handler could not be reached ({exception.Message})");
        }

        foreach (var line in result.Logs)
        {
            Log.FunctionLog(_logger, functionName, line);
        }

        var elapsed = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (result.Succeeded)
        {
            Log.Succeeded(_logger, functionName, invocationId, elapsed);
        }
        else
        {
            Log.Failed(_logger, functionName, invocationId, elapsed, result.Error);
        }

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{FunctionName}: {Line}")]
        public static partial void FunctionLog(ILogger logger, string functionName, string line);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Executed '{FunctionName}' (Succeeded, Id={InvocationId}, Duration={ElapsedMs:F0}ms)")]
        public static partial void Succeeded(ILogger logger, string functionName, string invocationId, double elapsedMs);

        [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Executed '{FunctionName}' (Failed, Id={InvocationId}, Duration={ElapsedMs:F0}ms): {Error}")]
        public static partial void Failed(ILogger logger, string functionName, string invocationId, double elapsedMs, string? error);
    }
}
