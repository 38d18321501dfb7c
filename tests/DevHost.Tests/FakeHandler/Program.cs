using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

// A tiny custom handler for the DevHost's end-to-end tests: it echoes forwarded HTTP requests, records
// queue and timer invocations (readable at GET /api/recorded), and can fail or exit on request.

var exitIndex = Array.IndexOf(args, "--exit-with");
if (exitIndex >= 0)
{
    // Stands in for a handler whose configuration is broken: a line on stderr, then a non-zero exit.
    await Console.Error.WriteLineAsync("fake handler: refusing to start on purpose");
    return int.Parse(args[exitIndex + 1], CultureInfo.InvariantCulture);
}

var port = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT")
    ?? throw new InvalidOperationException("FUNCTIONS_CUSTOMHANDLER_PORT is not set");
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
var app = builder.Build();
var recorded = new ConcurrentQueue<JsonObject>();

app.MapGet("/", () => Results.Ok());

app.Map("/api/echo/{**rest}", async (HttpContext context) =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, context.RequestAborted);
    var headers = new JsonObject();
    foreach (var (name, values) in context.Request.Headers)
    {
        headers[name.ToUpperInvariant()] = values.ToString();
    }

    var echo = new JsonObject
    {
        ["method"] = context.Request.Method,
        ["rawTarget"] = context.Features.Get<IHttpRequestFeature>()?.RawTarget,
        ["headers"] = headers,
        ["body"] = Convert.ToBase64String(body.ToArray()),
        ["setting"] = Environment.GetEnvironmentVariable("MY_SETTING"),
    };
    context.Response.StatusCode = StatusCodes.Status201Created;
    context.Response.Headers["X-Echo"] = "yes";
    context.Response.ContentType = "application/json";
    await context.Response.WriteAsync(echo.ToJsonString(), context.RequestAborted);
});

app.MapGet("/api/recorded", () => Results.Text(new JsonArray([.. recorded.Select(entry => entry.DeepClone())]).ToJsonString(), "application/json"));

app.MapGet("/api/crash", () =>
{
    // Stands in for a handler that dies while the DevHost runs.
    Environment.Exit(7);
});

app.MapPost("/{function}", async (string function, HttpContext context) =>
{
    using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
    var payload = await reader.ReadToEndAsync(context.RequestAborted);
    recorded.Enqueue(new JsonObject
    {
        ["function"] = function,
        ["invocationId"] = context.Request.Headers["X-Azure-Functions-InvocationId"].ToString(),
        ["contentType"] = context.Request.ContentType,
        ["payload"] = payload,
    });

    if (payload.Contains("please-fail", StringComparison.Ordinal))
    {
        return Results.StatusCode(StatusCodes.Status500InternalServerError);
    }

    var answer = new JsonObject
    {
        ["Outputs"] = new JsonObject(),
        ["Logs"] = new JsonArray($"handled {function}"),
        ["ReturnValue"] = null,
    };
    return Results.Text(answer.ToJsonString(), "application/json");
});

await app.RunAsync();
return 0;
