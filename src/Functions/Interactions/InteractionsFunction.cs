using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Interactions;

/// <summary>
/// The <c>interactions</c> HTTP function (anonymous <c>POST /api/interactions</c>). Through the ASP.NET Core integration
/// the host forwards Discord's request to the worker untouched, so the signature is checked over the exact bytes sent;
/// the request goes to <see cref="InteractionProcessor"/> as it arrives, which applies the size limit before reading.
/// </summary>
public sealed class InteractionsFunction(InteractionProcessor processor)
{
    public const string FunctionName = "interactions";
    public const string Route = "interactions";

    /// <summary>The name of the request's span, and of the request in Application Insights.</summary>
    public const string SpanName = "POST /api/" + Route;

    private static readonly ActivitySource Source = new(TelemetryNames.Interactions);

    [Function(FunctionName)]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The worker's own invocation span is Internal (its OpenTelemetry schema 1.37), so Application Insights would
        // file it as a dependency: this Server span is the interaction's request, and the processor tags it.
        using var activity = Source.StartActivity(SpanName, ActivityKind.Server);
        activity?.SetTag("http.request.method", "POST").SetTag("http.route", "/api/" + Route);
        var response = await processor.ProcessAsync(
            request.Headers["X-Signature-Ed25519"],
            request.Headers["X-Signature-Timestamp"],
            request.ContentLength,
            request.Body,
            request.HttpContext.RequestAborted);
        activity?.SetTag("http.response.status_code", response.StatusCode);
        if (response.StatusCode >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        return new InteractionResult(response);
    }

    /// <summary>Writes the processor's answer as it is: status, content type, length and bytes.</summary>
    private sealed class InteractionResult(InteractionHttpResponse response) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.StatusCode;
            httpContext.Response.ContentType = response.ContentType;
            httpContext.Response.ContentLength = response.Body.Length;
            return httpContext.Response.Body.WriteAsync(response.Body, httpContext.RequestAborted).AsTask();
        }
    }
}
