namespace Serverless.Functions.Interactions;

public static class InteractionsEndpoint
{
    /// <summary>The route the Functions host forwards the <c>interactions</c> HTTP trigger to, unchanged.</summary>
    public const string Route = "/api/interactions";

    /// <summary>Maps <c>POST /api/interactions</c>: the raw request goes to <see cref="InteractionProcessor"/> untouched.</summary>
    public static IEndpointRouteBuilder MapInteractions(this IEndpointRouteBuilder endpoints)
    {
        RequestDelegate handle = HandleAsync;
        endpoints.MapPost(Route, handle);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context)
    {
        var processor = context.RequestServices.GetRequiredService<InteractionProcessor>();
        var request = context.Request;
        var response = await processor.ProcessAsync(
            request.Headers["X-Signature-Ed25519"],
            request.Headers["X-Signature-Timestamp"],
            request.ContentLength,
            request.Body,
            context.RequestAborted);

        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }
}
