using System.Text.Json.Nodes;

namespace Serverless.DevHost.Tests.Support;

/// <summary>
/// An isolated-worker app's output folder in the temp directory: host.json, worker.config.json and functions.metadata
/// (what the Functions SDK writes); deleted on dispose.
/// </summary>
internal sealed class TempFunctionApp : IDisposable
{
    private readonly JsonArray _functions = [];

    private TempFunctionApp(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>A host.json with optional queue settings.</summary>
    public static JsonObject HostJson(JsonObject? queues = null) => new()
    {
        ["version"] = "2.0",
        ["extensions"] = new JsonObject
        {
            ["http"] = new JsonObject { ["routePrefix"] = "api" },
            ["queues"] = queues ?? new JsonObject(),
        },
    };

    public static TempFunctionApp Create(JsonObject? hostJson = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "devhost-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var app = new TempFunctionApp(root);
        if (hostJson is not null)
        {
            app.WriteFile("host.json", hostJson.ToJsonString());
        }

        app.WriteFile("worker.config.json", """
            { "description": { "language": "dotnet-isolated", "extensions": [ ".dll" ], "defaultExecutablePath": "dotnet", "defaultWorkerPath": "App.dll", "workerIndexing": "true" } }
            """);
        return app;
    }

    /// <summary>Adds a function to functions.metadata, as the SDK declares one.</summary>
    public TempFunctionApp WithFunction(string name, params JsonObject[] bindings) =>
        WithFunctionJson(name, new JsonObject { ["bindings"] = new JsonArray([.. bindings]) }.ToJsonString());

    /// <summary>Adds a function to functions.metadata from its JSON (name, scriptFile and entryPoint are filled in).</summary>
    public TempFunctionApp WithFunctionJson(string name, string functionJson)
    {
        var function = JsonNode.Parse(functionJson)!.AsObject();
        function["name"] = name;
        function["scriptFile"] = "App.dll";
        function["entryPoint"] = "App.Functions." + name;
        function["language"] = "dotnet-isolated";
        _functions.Add(function);
        WriteFile("functions.metadata", _functions.ToJsonString());
        return this;
    }

    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public static JsonObject HttpIn(string? route = null, params string[] methods)
    {
        var binding = new JsonObject
        {
            ["type"] = "httpTrigger",
            ["direction"] = "in",
            ["name"] = "req",
            ["authLevel"] = "anonymous",
        };
        if (route is not null)
        {
            binding["route"] = route;
        }

        if (methods.Length > 0)
        {
            binding["methods"] = new JsonArray([.. methods.Select(method => JsonValue.Create(method))]);
        }

        return binding;
    }

    public static JsonObject HttpOut() => new() { ["type"] = "http", ["direction"] = "out", ["name"] = "res" };

    public static JsonObject QueueIn(string queueName, string? connection = "AzureWebJobsStorage")
    {
        var binding = new JsonObject
        {
            ["type"] = "queueTrigger",
            ["direction"] = "in",
            ["name"] = "message",
            ["queueName"] = queueName,
        };
        if (connection is not null)
        {
            binding["connection"] = connection;
        }

        return binding;
    }

    public static JsonObject TimerIn(string schedule, bool runOnStartup = false) => new()
    {
        ["type"] = "timerTrigger",
        ["direction"] = "in",
        ["name"] = "timer",
        ["schedule"] = schedule,
        ["runOnStartup"] = runOnStartup,
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
