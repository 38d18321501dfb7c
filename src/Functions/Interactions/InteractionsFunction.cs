using Microsoft.Azure.Functions.Worker;

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

    [Function(FunctionName)]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await processor.ProcessAsync(
            request.Headers["X-Signature-Ed25519"],
            request.Headers["X-Signature-Timestamp"],
            request.ContentLength,
            request.Body,
            request.HttpContext.RequestAborted);
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
