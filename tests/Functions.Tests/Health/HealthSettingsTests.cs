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

    [Theory]
    [InlineData("Health:ProbeCacheDuration", "00:00:00", "Health__ProbeCacheDuration must be between")]
    [InlineData("Health:ProbeCacheDuration", "00:10:00", "Health__ProbeCacheDuration must be between")]
    [InlineData("Health:RejectedTokenRecheckInterval", "00:00:05", "Health__RejectedTokenRecheckInterval must be between")]
    public async Task Startup_WithAnOutOfRangeHealthSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var builder = HandlerApp.CreateBuilder([]);
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:ApplicationId"] = "100000000000000001",
            ["Discord:PublicKey"] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [key] = value,
        });
        await using var app = HandlerApp.Build(builder);

        var failure = Assert.Single(HandlerApp.ValidateConfiguration(app.Services));
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    private static string? AuthLevel(string function) => Trigger(function).GetProperty("authLevel").GetString();

    private static JsonElement Trigger(string function)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.FunctionMetadata, function, "function.json")));
        return document.RootElement.GetProperty("bindings")[0].Clone();
    }
}
