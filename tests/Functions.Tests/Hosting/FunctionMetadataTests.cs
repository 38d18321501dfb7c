using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Hosting;

public sealed class FunctionMetadataTests
{
    [Fact]
    public async Task Handler_ServesExactlyTheFunctionsTheMetadataDeclares()
    {
        await using var host = await HandlerTestHost.StartAsync();
        var routePrefix = ReadHostJson().GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        var expected = FunctionMetadataReader.Read(RepositoryPaths.FunctionMetadata)
            .SelectMany(function => function.TriggerType == "httpTrigger"
                ? function.Methods.Select(method => $"{method} /{routePrefix}/{function.Route ?? function.Name}")
                : [$"POST /{function.Name}"])
            .Append("GET /") // the host's readiness probe
            .Order(StringComparer.Ordinal)
            .ToList();

        var served = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} /{endpoint.RoutePattern.RawText!.TrimStart('/')}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, served);
    }

    [Fact]
    public void Interactions_IsAnAnonymousForwardedPostTrigger()
    {
        var interactions = Assert.Single(FunctionMetadataReader.Read(RepositoryPaths.FunctionMetadata), f => f.Name == "interactions");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.FunctionMetadata, "interactions", "function.json")));
        var bindings = document.RootElement.GetProperty("bindings").EnumerateArray().ToList();

        Assert.Equal("httpTrigger", interactions.TriggerType);
        Assert.Equal("interactions", interactions.Route);
        Assert.Equal(["POST"], interactions.Methods);
        Assert.Equal("anonymous", bindings[0].GetProperty("authLevel").GetString());
        // Forwarding the raw request needs exactly one httpTrigger in and one http out.
        Assert.Equal(["httpTrigger", "http"], bindings.Select(b => b.GetProperty("type").GetString()));
        Assert.True(ReadHostJson().GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());
    }

    [Fact]
    public void HostJson_QueueSettingsAreExplicit()
    {
        var queues = ReadHostJson().GetProperty("extensions").GetProperty("queues");

        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("[4.*, 5.0.0)", ReadHostJson().GetProperty("extensionBundle").GetProperty("version").GetString());
    }

    private static JsonElement ReadHostJson()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        return document.RootElement.Clone();
    }
}
