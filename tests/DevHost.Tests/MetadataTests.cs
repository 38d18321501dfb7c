using System.Collections;
using System.Text.Json.Nodes;
using Serverless.DevHost.Metadata;
using Serverless.DevHost.Tests.Support;
using Serverless.DevHost.Timers;
using Xunit;
using static Serverless.DevHost.Tests.Support.TempFunctionApp;

namespace Serverless.DevHost.Tests;

public sealed class MetadataTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The app with the functions its functions.metadata declares, as after indexing.</summary>
    private static FunctionAppMetadata Load(string root, AppSettings settings, DateTimeOffset now) =>
        FunctionAppMetadata.Load(root, settings).WithFunctions(FunctionAppMetadata.ReadFunctionsMetadataFile(root), settings, now);

    private static readonly AppSettings Storage = AppSettings.FromValues(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

    [Fact]
    public void Load_RepositoryHostJsonAndInteractionsFunction_ServesPostApiInteractions()
    {
        var repository = TestPaths.RepositoryRoot;
        using var app = Create();
        app.WriteFile("host.json", File.ReadAllText(Path.Combine(repository, "host.json")));

        // As the SDK declares an anonymous POST function: capitalized direction and authLevel.
        app.WithFunctionJson("interactions", """
            { "bindings": [
                { "name": "request", "direction": "In", "type": "httpTrigger", "authLevel": "Anonymous", "methods": [ "post" ], "route": "interactions", "properties": {} },
                { "name": "$return", "type": "http", "direction": "Out" } ] }
            """);

        var metadata = Load(app.Root, Storage, Now);

        var function = Assert.Single(metadata.Functions);
        Assert.Equal("interactions", function.Name);
        var http = Assert.IsType<HttpTrigger>(function.Trigger);
        Assert.Equal("interactions", http.Route);
        Assert.Equal(["POST"], http.Methods);
        Assert.Equal("api", metadata.Host.RoutePrefix);
        Assert.Equal("dotnet", metadata.Worker.ExecutablePath);
        Assert.Equal(Path.Combine(app.Root, "App.dll"), metadata.Worker.WorkerPath);
        Assert.True(metadata.Worker.WorkerIndexing);
        Assert.Equal(new QueueTriggerOptions
        {
            BatchSize = 16,
            NewBatchThreshold = 8,
            MaxPollingInterval = TimeSpan.FromSeconds(2),
            VisibilityTimeout = TimeSpan.FromSeconds(30),
            MaxDequeueCount = 5,
            MessageEncoding = QueueMessageEncoding.Base64,
        }, metadata.Host.Queues);
        Assert.Equal(TimeSpan.FromMinutes(5), metadata.Host.FunctionTimeout);
        Assert.Equal("interactions: POST http://127.0.0.1:7071/api/interactions", function.Describe("http://127.0.0.1:7071", metadata.Host.RoutePrefix));
    }

    [Fact]
    public void Load_QueueTimerAndHttpFunctions_ReadsEachTrigger()
    {
        using var app = Create(HostJson())
            .WithFunction("interaction-worker", QueueIn("interactions"))
            .WithFunction("due-posts", TimerIn("0 */1 * * * *"))
            .WithFunction("healthz", HttpIn(), HttpOut());

        var metadata = Load(app.Root, Storage, Now);

        Assert.Equal(["interaction-worker", "due-posts", "healthz"], metadata.Functions.Select(function => function.Name));
        var timer = Assert.IsType<TimerTrigger>(metadata.Functions[1].Trigger);
        Assert.IsType<CronTimerSchedule>(timer.Schedule);
        Assert.True(timer.UseMonitor);
        Assert.False(timer.RunOnStartup);
        var http = Assert.IsType<HttpTrigger>(metadata.Functions[2].Trigger);
        Assert.Equal("healthz", http.Route);
        Assert.Empty(http.Methods);
        var queue = Assert.IsType<QueueTrigger>(metadata.Functions[0].Trigger);
        Assert.Equal(new QueueTrigger("message", "interactions", "AzureWebJobsStorage"), queue);
        Assert.Equal("interactions-poison", queue.PoisonQueueName);
        Assert.Equal(
            ["interaction-worker: queue interactions", "due-posts: timer 0 */1 * * * *", "healthz: ANY http://127.0.0.1:7071/api/healthz"],
            metadata.Functions.Select(function => function.Describe("http://127.0.0.1:7071", "api")));
    }

    [Fact]
    public void Load_HostJsonWithoutQueueSettings_UsesTheHostDefaults()
    {
        using var app = Create(new JsonObject { ["version"] = "2.0" }).WithFunction("worker", QueueIn("work"));

        var host = Load(app.Root, Storage, Now).Host;

        Assert.Equal(new QueueTriggerOptions(), host.Queues);
        Assert.Equal(TimeSpan.FromMinutes(1), host.Queues.MaxPollingInterval);
        Assert.Equal(TimeSpan.Zero, host.Queues.VisibilityTimeout);
        Assert.Equal(5, host.Queues.MaxDequeueCount);
        Assert.Equal(QueueMessageEncoding.Base64, host.Queues.MessageEncoding);
        Assert.Equal("api", host.RoutePrefix);
        Assert.Equal(HostConfiguration.DefaultFunctionTimeout, host.FunctionTimeout);
    }

    [Fact]
    public void Load_AzureFunctionsJobHostSettings_OverrideHostJson()
    {
        using var app = Create(HostJson(new JsonObject { ["visibilityTimeout"] = "00:00:30", ["maxDequeueCount"] = 5 }))
            .WithFunction("worker", QueueIn("work"));
        var settings = AppSettings.FromValues(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:00.200",
            ["AzureFunctionsJobHost__Extensions__Queues__MaxDequeueCount"] = "3",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.500",
        });

        var queues = Load(app.Root, settings, Now).Host.Queues;

        Assert.Equal(TimeSpan.FromMilliseconds(200), queues.VisibilityTimeout);
        Assert.Equal(3, queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromMilliseconds(500), queues.MaxPollingInterval);
    }

    [Fact]
    public void Load_SettingExpressionsAndDisabledFunctions_ResolvedAndSkipped()
    {
        using var app = Create(HostJson())
            .WithFunction("worker", QueueIn("%WorkQueue%", connection: "MyStorage"))
            .WithFunction("off", TimerIn("00:05:00"));
        var settings = AppSettings.FromValues(new Dictionary<string, string?>
        {
            ["WorkQueue"] = "posts",
            ["AzureWebJobsMyStorage"] = "UseDevelopmentStorage=true",
            ["AzureWebJobs.off.Disabled"] = "true",
        });

        var function = Assert.Single(Load(app.Root, settings, Now).Functions);

        Assert.Equal(new QueueTrigger("message", "posts", "MyStorage"), function.Trigger);
    }

    [Fact]
    public void Load_TimeSpanScheduleShorterThanAMinute_IsNotMonitored()
    {
        using var app = Create(HostJson())
            .WithFunction("fast", TimerIn("00:00:10"))
            .WithFunction("every-30-seconds", TimerIn("*/30 * * * * *"))
            .WithFunction("hourly", TimerIn("01:00:00", runOnStartup: true));

        var timers = Load(app.Root, Storage, Now).Functions.ToDictionary(function => function.Name, function => (TimerTrigger)function.Trigger);

        Assert.False(timers["fast"].UseMonitor);
        Assert.False(timers["fast"].Schedule.AdjustForDst);
        Assert.False(timers["every-30-seconds"].UseMonitor);
        Assert.True(timers["hourly"].UseMonitor);
        Assert.True(timers["hourly"].RunOnStartup);
    }

    [Fact]
    public void Load_NoHostJson_FailsNamingTheScriptRoot()
    {
        using var app = Create().WithFunction("worker", QueueIn("work"));

        var error = Assert.Throws<DevHostException>(() => Load(app.Root, Storage, Now));

        Assert.StartsWith("No host.json in script root", error.Message, StringComparison.Ordinal);
        Assert.Contains(app.Root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoWorkerConfig_FailsNamingTheFileAndTheBuildOutput()
    {
        using var app = Create(HostJson()).WithFunction("worker", QueueIn("work"));
        File.Delete(Path.Combine(app.Root, "worker.config.json"));

        var error = Assert.Throws<DevHostException>(() => FunctionAppMetadata.Load(app.Root, Storage));

        Assert.StartsWith($"No worker.config.json in '{app.Root}': pass the isolated-worker Functions app's build or publish output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WorkerRuntimeSettingForAnotherLanguage_FailsNamingTheSettingAndTheWorkersLanguage()
    {
        using var app = Create(HostJson()).WithFunction("worker", QueueIn("work"));
        var settings = AppSettings.FromValues(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["FUNCTIONS_WORKER_RUNTIME"] = "custom" });

        var error = Assert.Throws<DevHostException>(() => FunctionAppMetadata.Load(app.Root, settings));

        Assert.Equal($"FUNCTIONS_WORKER_RUNTIME is 'custom' but the app in '{app.Root}' is a 'dotnet-isolated' worker: set FUNCTIONS_WORKER_RUNTIME to 'dotnet-isolated' in local.settings.json.", error.Message);
    }

    [Fact]
    public void Load_WorkerRuntimeSettingMatchingTheWorker_Loads()
    {
        using var app = Create(HostJson()).WithFunction("worker", QueueIn("work"));
        var settings = AppSettings.FromValues(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["FUNCTIONS_WORKER_RUNTIME"] = "DOTNET-ISOLATED" });

        var metadata = FunctionAppMetadata.Load(app.Root, settings);

        Assert.Equal("dotnet-isolated", metadata.Worker.Language);
    }

    [Fact]
    public void Load_NoFunctionsDeclared_FailsWithAHintAboutTheBuildOutput()
    {
        using var app = Create(HostJson());

        var error = Assert.Throws<DevHostException>(() => FunctionAppMetadata.Load(app.Root, Storage).WithFunctions([], Storage, Now));

        Assert.Contains("the worker declared none", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "bindings": {} }""", "function 'broken' has no \"bindings\" array.")]
    [InlineData("""{ "bindings": [ { "type": "queue", "direction": "out", "name": "o", "queueName": "x" } ] }""", "Function 'broken': no trigger binding")]
    [InlineData("""{ "bindings": [ { "type": "blobTrigger", "direction": "in", "name": "b", "path": "x/{name}" } ] }""", "Function 'broken': unknown trigger type 'blobTrigger'")]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "m", "queueName": "a" }, { "type": "timerTrigger", "direction": "in", "name": "t", "schedule": "0 * * * * *" } ] }""", "Function 'broken': more than one trigger binding.")]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "m", "queueName": "work" }, { "type": "queue", "direction": "out", "name": "o", "queueName": "x" } ] }""", "Function 'broken': binding 'o' of type 'queue' is not supported")]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "m", "queueName": "Bad_Name" } ] }""", "Function 'broken': queue name 'Bad_Name' is invalid")]
    [InlineData("""{ "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "t", "schedule": "every minute please" } ] }""", "Function 'broken': timer schedule 'every minute please' is neither")]
    [InlineData("""{ "bindings": [ { "type": "httpTrigger", "direction": "in", "name": "req" } ] }""", "Function 'broken': an HTTP function needs exactly one httpTrigger in and one http out binding")]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "m", "queueName": "%Missing%" } ] }""", "Function 'broken': queueName uses %Missing% but setting 'Missing' is missing.")]
    public void Load_BadFunctionJson_FailsWithOneLineNamingTheFunction(string functionJson, string expected)
    {
        using var app = Create(HostJson()).WithFunctionJson("broken", functionJson);

        var error = Assert.Throws<DevHostException>(() => Load(app.Root, Storage, Now));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_QueueTriggerWithoutItsConnectionSetting_FailsNamingTheSetting()
    {
        using var app = Create(HostJson()).WithFunction("worker", QueueIn("work", connection: "OrdersStorage"));

        var error = Assert.Throws<DevHostException>(() => Load(app.Root, AppSettings.FromValues(new Dictionary<string, string?>()), Now));

        Assert.Equal(
            "Function 'worker': queue trigger connection setting 'OrdersStorage' is missing; set it in local.settings.json Values or the environment (UseDevelopmentStorage=true for Azurite).",
            error.Message);
    }

    [Fact]
    public void Load_QueueTriggerWithDefaultConnectionMissing_NamesAzureWebJobsStorage()
    {
        using var app = Create(HostJson()).WithFunction("worker", QueueIn("work", connection: null));

        var error = Assert.Throws<DevHostException>(() => Load(app.Root, AppSettings.FromValues(new Dictionary<string, string?>()), Now));

        Assert.Contains("setting 'AzureWebJobsStorage' is missing", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batchSize", "64", "host.json: extensions.queues.batchSize must be between 1 and 32 (was 64).")]
    [InlineData("messageEncoding", "\"utf8\"", "host.json: extensions.queues.messageEncoding must be \"base64\" or \"none\" (was \"utf8\").")]
    [InlineData("maxPollingInterval", "\"00:00:00.010\"", "host.json: extensions.queues.maxPollingInterval must be at least 00:00:00.1 (was 00:00:00.0100000).")]
    [InlineData("visibilityTimeout", "\"soon\"", "host.json: 'visibilityTimeout' must be a duration such as \"00:00:30\" (was \"soon\").")]
    public void Load_BadQueueSettings_FailNamingTheSetting(string name, string value, string expected)
    {
        var host = HostJson(JsonNode.Parse($$"""{ "{{name}}": {{value}} }""")!.AsObject());
        using var app = Create(host).WithFunction("worker", QueueIn("work"));

        var error = Assert.Throws<DevHostException>(() => Load(app.Root, Storage, Now));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void AppSettings_EnvironmentOverridesLocalSettings_AndCodeOverridesBoth()
    {
        using var app = Create();
        app.WriteFile("local.settings.json", """
            {
              "IsEncrypted": false,
              "Values": { "A": "file", "B": "file", "C": "file", "Port": 7 },
              "Host": { "LocalHttpPort": 7072 }
            }
            """);
        var environment = new Hashtable { ["B"] = "env", ["D"] = "env" };

        var settings = AppSettings.Load(
            Path.Combine(app.Root, "local.settings.json"),
            defaultPath: null,
            environment,
            new Dictionary<string, string?> { ["C"] = "code", ["D"] = null });

        Assert.Equal("file", settings.Values["A"]);
        Assert.Equal("env", settings.Values["B"]);
        Assert.Equal("code", settings.Values["C"]);
        Assert.False(settings.Values.ContainsKey("D"));
        Assert.Equal("7", settings.Values["port"]);
        Assert.Equal(7072, settings.LocalHttpPort);
        Assert.Equal("env", settings.ForWorker["B"]);
        Assert.Null(settings.ForWorker["D"]);
    }

    [Fact]
    public void AppSettings_ExplicitFileMissing_Fails()
    {
        var error = Assert.Throws<DevHostException>(() => AppSettings.Load("/nonexistent/local.settings.json", null, new Hashtable(), null));

        Assert.Equal("Settings file '/nonexistent/local.settings.json' not found.", error.Message);
    }

    [Fact]
    public void AppSettings_DefaultFileAbsent_IsNotAnError()
    {
        var settings = AppSettings.Load(null, "/nonexistent/local.settings.json", new Hashtable { ["X"] = "1" }, null);

        Assert.Null(settings.SourcePath);
        Assert.Equal("1", settings.Values["X"]);
    }

    [Theory]
    [InlineData("0 */1 * * * *", "2026-11-23T08:00:30Z", "2026-11-23T08:01:00Z")]
    [InlineData("*/5 * * * *", "2026-11-23T08:01:00Z", "2026-11-23T08:05:00Z")]
    [InlineData("0 30 9 * * 1-5", "2026-11-23T10:00:00Z", "2026-11-24T09:30:00Z")]
    [InlineData("00:05:00", "2026-11-23T08:00:30Z", "2026-11-23T08:05:30Z")]
    public void TimerSchedule_NextOccurrence_IsInUtc(string expression, string after, string expected)
    {
        Assert.True(TimerSchedule.TryParse(expression, out var schedule, out var error), error);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.GetNextOccurrence(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
