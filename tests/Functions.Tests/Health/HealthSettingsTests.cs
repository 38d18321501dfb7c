using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serverless.Functions.Hosting;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Health;

public sealed class HealthSettingsTests
{
    [Fact]
    public void HealthzIsAnonymous_AndItsDetailNeedsAFunctionKey()
    {
        Assert.Equal("anonymous", AuthLevel("healthz"));
        Assert.Equal("function", AuthLevel("healthz-detail"));
        Assert.Equal("healthz/detail", Trigger("healthz-detail").GetProperty("route").GetString());
    }

    private static string? AuthLevel(string function) => Trigger(function).GetProperty("authLevel").GetString();

    private static JsonElement Trigger(string function)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.FunctionMetadata, function, "function.json")));
        return document.RootElement.GetProperty("bindings")[0].Clone();
    }
}
