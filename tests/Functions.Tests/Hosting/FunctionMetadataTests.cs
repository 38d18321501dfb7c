using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Serverless.Functions.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Hosting;

/// <summary>
/// What the host learns about the app: the SDK-generated <c>functions.metadata</c> in the build output, beside the files
/// the host starts the worker from. Names, routes, queues and schedules are what Azure, Discord's endpoint URL, the
/// producers and the runbook rely on.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly string[] Expected =
    [
        "hall-archiver timerTrigger schedule=0 */15 * * * * useMonitor=true runOnStartup=false",
        "healthz httpTrigger authLevel=anonymous methods=get route=healthz",
        "healthz-detail httpTrigger authLevel=function methods=get route=healthz/detail",
        "housekeeping timerTrigger schedule=0 17 * * * * useMonitor=true runOnStartup=false",
        "interaction-worker queueTrigger queueName=interactions connection=AzureWebJobsStorage dataType=string",
        "interactions httpTrigger authLevel=anonymous methods=post route=interactions",
        "oracle-publisher timerTrigger schedule=0 */15 * * * * useMonitor=true runOnStartup=false",
        "post-publisher queueTrigger queueName=posts connection=AzureWebJobsStorage dataType=string",
        "projection-refresher queueTrigger queueName=projections connection=AzureWebJobsStorage dataType=string",
        "queue-metrics timerTrigger schedule=30 * * * * * useMonitor=false runOnStartup=false",
        "raids-closer timerTrigger schedule=0 * * * * * useMonitor=true runOnStartup=false",
        "scheduled-posts-due timerTrigger schedule=0 * * * * * useMonitor=true runOnStartup=false",
    ];

    [Fact]
    public void GeneratedMetadata_DeclaresExactlyTheTwelveFunctions()
    {
        var declared = ReadMetadata().EnumerateArray().Select(Describe).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Expected, declared);
    }

    [Fact]
    public void GeneratedMetadata_PointsAtTheAppAssembly_AndHttpFunctionsAnswerThroughTheHttpResult()
    {
        foreach (var function in ReadMetadata().EnumerateArray())
        {
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
            Assert.Equal("Serverless.Functions.dll", function.GetProperty("scriptFile").GetString());
            var bindings = function.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ToList();
            if (bindings[0] == "httpTrigger")
            {
                // The ASP.NET Core integration answers through the function's return value: one http out binding.
                Assert.Equal(["httpTrigger", "http"], bindings);
            }
            else
            {
                Assert.Single(bindings);
            }
        }
    }

    [Fact]
    public void BuildOutput_HoldsWhatTheHostStartsTheWorkerFrom()
    {
        var output = RepositoryPaths.FunctionsBuildOutput;
        using var workerConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "worker.config.json")));
        var description = workerConfig.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Serverless.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(Path.Combine(output, "Serverless.Functions.dll")));
        Assert.True(File.Exists(Path.Combine(output, "extensions.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")), File.ReadAllText(Path.Combine(output, "host.json")));
        Assert.Empty(Directory.GetFiles(output, "function.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void HttpFunctionsOfTheTestHost_AreTheOnesTheMetadataDeclares()
    {
        var declared = ReadMetadata().EnumerateArray()
            .Where(function => function.GetProperty("bindings")[0].GetProperty("type").GetString() == "httpTrigger")
            .Select(function => function.GetProperty("name").GetString())
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, FunctionTestHost.HttpFunctions().Select(function => function.Name).Order(StringComparer.Ordinal));
        Assert.Equal(AuthorizationLevel.Function, Assert.Single(FunctionTestHost.HttpFunctions(), function => function.Name == "healthz-detail").AuthLevel);
    }

    [Fact]
    public void HostJson_HasNoCustomHandlerOrBundle_AndKeepsTheTunedSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")));
        var root = document.RootElement;
        var queues = root.GetProperty("extensions").GetProperty("queues");

        // The isolated worker's extensions come from the SDK-built extensions.json, not a bundle.
        Assert.False(root.TryGetProperty("customHandler", out _));
        Assert.False(root.TryGetProperty("extensionBundle", out _));
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("00:00:30", queues.GetProperty("visibilityTimeout").GetString());
        Assert.Equal("00:05:00", root.GetProperty("functionTimeout").GetString());
    }

    private static JsonElement ReadMetadata()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.FunctionsBuildOutput, "functions.metadata")));
        return document.RootElement.Clone();
    }

    /// <summary>One line per function: its name, trigger and the trigger's settings, values lower-cased where the host ignores case.</summary>
    private static string Describe(JsonElement function)
    {
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        var type = trigger.GetProperty("type").GetString()!;
        string Text(string name) => trigger.TryGetProperty(name, out var value) ? value.ToString() : "-";
        string Flag(string name) => trigger.TryGetProperty(name, out var value) && value.GetBoolean() ? "true" : "false";
        var settings = type switch
        {
            "httpTrigger" => $"authLevel={Text("authLevel").ToLowerInvariant()} methods={string.Join(',', trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()))} route={Text("route")}",
            "queueTrigger" => $"queueName={Text("queueName")} connection={Text("connection")} dataType={Text("dataType").ToLowerInvariant()}",
            "timerTrigger" => $"schedule={Text("schedule")} useMonitor={Flag("useMonitor")} runOnStartup={Flag("runOnStartup")}",
            _ => "unexpected",
        };
        return $"{function.GetProperty("name").GetString()} {type} {settings}";
    }
}
