using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Serverless.Sandbox.Console;

/// <summary>
/// Serves the web console (<c>Console/wwwroot</c>, embedded in the assembly so every host of the sandbox has it):
/// <c>/</c> is its index.html, <c>/console/{file}</c> the rest. Each answer has a strong ETag and <c>no-cache</c>, so a
/// browser revalidates (304) and never runs a stale script after the sandbox is rebuilt.
/// </summary>
internal static class ConsoleAssets
{
    private const string ResourcePrefix = "console/";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly ConcurrentDictionary<string, Asset?> Cache = new(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        app.MapGet("/console/{**file}", (HttpContext context, string file) => Serve(context, file));
        return app;
    }

    private static IResult Serve(HttpContext context, string file)
    {
        if (Load(file) is not { } asset)
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static Asset? Load(string file) => Cache.GetOrAdd(file, static name =>
    {
        // Resource names are fixed at build time; anything else (.., absolute paths) simply is not found.
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var contentType = ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";
        if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType is "application/javascript" or "text/javascript" or "application/json")
        {
            contentType += "; charset=utf-8";
        }

        return new Asset(content, contentType, new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"").ToString());
    });

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
