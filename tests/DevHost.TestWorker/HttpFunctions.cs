using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.TestWorker;

public sealed class HttpFunctions(ILogger<HttpFunctions> logger)
{
    /// <summary>Echoes the raw body with its length and SHA-256, and what the request carried, so tests can compare byte for byte.</summary>
    [Function("echo")]
    public async Task<IActionResult> EchoAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", Route = "echo/{*rest}")] HttpRequest request,
        FunctionContext context)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.CancellationToken);
        var body = buffer.ToArray();
        logger.LogInformation("echo received {Length} bytes", body.Length);

        var response = request.HttpContext.Response;
        response.Headers["X-Body-Length"] = body.Length.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-Body-Sha256"] = Convert.ToHexStringLower(SHA256.HashData(body));
        response.Headers["X-Method"] = request.Method;
        response.Headers["X-Path"] = request.Path.Value;
        response.Headers["X-Query"] = request.QueryString.Value;
        response.Headers["X-Invocation-Id"] = context.InvocationId;
        response.Headers["X-Custom-Echo"] = request.Headers["X-Custom"].ToString();
        response.Headers["X-Content-Type-Echo"] = request.ContentType;
        response.Headers["X-Trace-Parent"] = context.TraceContext.TraceParent;
        response.Headers["X-Trace-State"] = context.TraceContext.TraceState;
        response.Headers["X-Trace-Operation"] = context.TraceContext.Attributes.TryGetValue("OperationName", out var operation) ? operation : null;
        response.Headers["X-AI-Connection"] = Environment.GetEnvironmentVariable("APPLICATIONINSIGHTS_CONNECTION_STRING");
        return new FileContentResult(body, "application/octet-stream");
    }

    [Function("keyed")]
    public static IActionResult Keyed([HttpTrigger(AuthorizationLevel.Function, "get", Route = "keyed")] HttpRequest request) =>
        new OkObjectResult("keyed ok");

    [Function("admin-only")]
    public static IActionResult AdminOnly([HttpTrigger(AuthorizationLevel.Admin, "get", Route = "admin-only")] HttpRequest request) =>
        new OkObjectResult("admin ok");

    /// <summary>Ends the worker process, so the DevHost has to notice and start a new one.</summary>
    [Function("crash")]
    public IActionResult Crash([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "crash")] HttpRequest request)
    {
        logger.LogWarning("crash requested; exiting with code 42");
        Console.Error.WriteLine("test worker: exiting with code 42 on request");
        Environment.Exit(42);
        return new OkResult();
    }
}
