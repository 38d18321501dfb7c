using System.Net;
using System.Text.Json.Nodes;
using Serverless.DevHost.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static Serverless.DevHost.Tests.Support.TempFunctionApp;

namespace Serverless.DevHost.Tests;

/// <summary>HTTP triggers with <c>authLevel</c> function or admin need a key, as under the real host.</summary>
public sealed class FunctionKeyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KeyedFunctions_AnswerWithoutAValidKey401_AndAreForwardedWithOne()
    {
        using var app = Create(HostJson())
            .WithFunction("open", HttpIn("echo/open", "get"), HttpOut())
            .WithFunction("keyed", WithAuthLevel(HttpIn("echo/keyed", "get"), "function"), HttpOut())
            .WithFunction("other", WithAuthLevel(HttpIn("echo/other", "get"), "function"), HttpOut())
            .WithFunction("admin", WithAuthLevel(HttpIn("echo/admin", "get"), "admin"), HttpOut());
        using var loggerFactory = XunitLoggerProvider.CreateFactory(output);
        await using var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = app.Root,
            HandlerCommand = "dotnet",
            HandlerArguments = [TestPaths.FakeHandler],
            Port = 0,
            LoggerFactory = loggerFactory,
            Settings = new Dictionary<string, string?>
            {
                ["DevHost__FunctionKeys__keyed"] = "keyed-function-key",
                ["DevHost__HostKey"] = "the-host-key",
                ["DevHost__MasterKey"] = "the-master-key",
            },
        });
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        Assert.Contains($"keyed: GET {host.BaseUrl}/api/echo/keyed (function key)", host.DescribeFunctions());
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/open"));

        // Missing or wrong keys are refused before the handler sees anything.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/keyed"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/keyed?code=wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/keyed", key: "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/other?code=keyed-function-key"));

        // A function's own key, a host key or the master key, in the header or the code parameter.
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/keyed", key: "keyed-function-key"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/keyed?code=keyed-function-key"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/other?code=the-host-key"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/other", key: "the-master-key"));

        // Admin functions take the master key only.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/admin", key: "the-host-key"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(client, "/api/echo/admin", key: "the-master-key"));
    }

    [Fact]
    public async Task KeyedFunction_WithNoKeyConfigured_IsRefused()
    {
        using var app = Create(HostJson()).WithFunction("keyed", WithAuthLevel(HttpIn("echo/keyed", "get"), "function"), HttpOut());
        await using var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            ScriptRoot = app.Root,
            HandlerCommand = "dotnet",
            HandlerArguments = [TestPaths.FakeHandler],
            Port = 0,
        });
        using var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/keyed"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/api/echo/keyed?code="));
    }

    private static JsonObject WithAuthLevel(JsonObject binding, string authLevel)
    {
        binding["authLevel"] = authLevel;
        return binding;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
