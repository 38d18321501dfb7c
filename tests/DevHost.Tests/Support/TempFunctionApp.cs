using System.Text.Json.Nodes;

namespace Serverless.DevHost.Tests.Support;

/// <summary>A function app folder in the temp directory: host.json plus one folder per function; deleted on dispose.</summary>
internal sealed class TempFunctionApp : IDisposable
{
    private TempFunctionApp(string root)
    {
        Root = root;
    }

    public string Root { get; }

    /// <summary>A host.json for a forwarding custom handler, with optional queue settings and extra handler arguments.</summary>
    public static JsonObject HostJson(JsonObject? queues = null, string executable = "handler", params string[] arguments) => new()
    {
        ["version"] = "2.0",
        ["customHandler"] = new JsonObject
        {
            ["description"] = new JsonObject
            {
                ["defaultExecutablePath"] = executable,
                ["workingDirectory"] = string.Empty,
                ["arguments"] = new JsonArray([.. arguments.Select(argument => JsonValue.Create(argument))]),
            },
            ["enableForwardingHttpRequest"] = true,
        },
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

        return app;
    }

    public TempFunctionApp WithFunction(string name, params JsonObject[] bindings) =>
        WithFunctionJson(name, new JsonObject { ["bindings"] = new JsonArray([.. bindings]) }.ToJsonString());

    public TempFunctionApp WithFunctionJson(string name, string functionJson)
    {
        WriteFile(Path.Combine(name, "function.json"), functionJson);
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
