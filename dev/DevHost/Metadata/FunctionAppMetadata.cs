using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// A Functions app's build or publish output as the host reads it: <c>host.json</c>, <c>worker.config.json</c>, and
/// the functions the worker declares when it indexes itself (or, failing that, <c>functions.metadata</c>). Anything
/// the DevHost cannot serve the way the host would is rejected at start, with one line that names the function and
/// what to fix.
/// </summary>
public sealed partial class FunctionAppMetadata
{
    /// <summary>The setting the host uses when a storage binding names no connection.</summary>
    public const string DefaultStorageConnection = "AzureWebJobsStorage";

    /// <summary>The function metadata file the Functions SDK writes into the build output.</summary>
    public const string FunctionsMetadataFileName = "functions.metadata";

    private FunctionAppMetadata(string scriptRoot, HostConfiguration host, WorkerConfig worker, IReadOnlyList<FunctionDefinition> functions, IReadOnlyList<IndexedFunction> indexed)
    {
        ScriptRoot = scriptRoot;
        Host = host;
        Worker = worker;
        Functions = functions;
        Indexed = indexed;
    }

    public string ScriptRoot { get; }

    public HostConfiguration Host { get; }

    public WorkerConfig Worker { get; }

    /// <summary>The functions served, in the order the worker declared them; empty until the worker has been indexed.</summary>
    public IReadOnlyList<FunctionDefinition> Functions { get; }

    /// <summary>The worker's metadata of <see cref="Functions"/>, as sent back in the load requests.</summary>
    internal IReadOnlyList<IndexedFunction> Indexed { get; }

    /// <summary>Reads host.json (with <c>AzureFunctionsJobHost__*</c> overrides) and worker.config.json; the functions come later, from the worker.</summary>
    /// <param name="scriptRoot">The Functions app's build or publish output.</param>
    /// <param name="settings">App settings, for host.json overrides.</param>
    public static FunctionAppMetadata Load(string scriptRoot, AppSettings settings)
    {
        ArgumentNullException.ThrowIfNull(scriptRoot);
        ArgumentNullException.ThrowIfNull(settings);
        if (!System.IO.Directory.Exists(scriptRoot))
        {
            throw new DevHostException($"Script root '{scriptRoot}' does not exist.");
        }

        var root = Path.GetFullPath(scriptRoot);
        var host = HostConfiguration.Load(root, settings.Values);
        var worker = WorkerConfig.Load(root);

        // The host refuses to start a worker whose language is not the configured runtime; an old "custom" left in
        // local.settings.json would otherwise run here and fail only under Core Tools or in Azure.
        if (settings.Values.TryGetValue("FUNCTIONS_WORKER_RUNTIME", out var runtime)
            && !string.IsNullOrEmpty(runtime)
            && !string.Equals(runtime, worker.Language, StringComparison.OrdinalIgnoreCase))
        {
            throw new DevHostException($"FUNCTIONS_WORKER_RUNTIME is '{runtime}' but the app in '{root}' is a '{worker.Language}' worker: set FUNCTIONS_WORKER_RUNTIME to '{worker.Language}' in local.settings.json.");
        }

        return new FunctionAppMetadata(root, host, worker, [], []);
    }

    /// <summary>
    /// The app with its functions: each indexed function's raw bindings parsed as the host parses function.json
    /// bindings. Functions left out by host.json <c>functions</c> or disabled by <c>AzureWebJobs.{name}.Disabled</c> are dropped.
    /// </summary>
    /// <param name="now">The current time, to tell sub-minute timer schedules (which the host does not monitor).</param>
    internal FunctionAppMetadata WithFunctions(IReadOnlyList<IndexedFunction> indexed, AppSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(indexed);
        ArgumentNullException.ThrowIfNull(settings);
        var functions = new List<FunctionDefinition>();
        var kept = new List<IndexedFunction>();
        foreach (var function in indexed)
        {
            if (Host.Functions is { } allowed && !allowed.Contains(function.Name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!FunctionNamePattern().IsMatch(function.Name))
            {
                throw new DevHostException($"Function '{function.Name}': not a valid function name (a letter, then letters, digits, '_' or '-').");
            }

            if (IsDisabled(function.Name, settings))
            {
                continue;
            }

            functions.Add(ParseFunction(function, Host, settings, now));
            kept.Add(function);
        }

        if (functions.Count == 0)
        {
            throw new DevHostException($"No functions in '{ScriptRoot}': the worker declared none (is this the Functions app's build output, with [Function] methods?).");
        }

        var duplicate = functions.GroupBy(function => function.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new DevHostException($"Function '{duplicate.Key}' is declared more than once.");
        }

        return new FunctionAppMetadata(ScriptRoot, Host, Worker, functions, kept);
    }

    /// <summary>Reads the script root's <c>functions.metadata</c>, the host's fallback when the worker does not index itself.</summary>
    internal static IReadOnlyList<IndexedFunction> ReadFunctionsMetadataFile(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, FunctionsMetadataFileName);
        if (!File.Exists(path))
        {
            throw new DevHostException($"No {FunctionsMetadataFileName} in '{scriptRoot}' and the worker did not declare its functions: pass the Functions app's build or publish output as --script-root.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), JsonReading.DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("it must be a JSON array of functions");
            }

            var functions = new List<IndexedFunction>();
            foreach (var function in document.RootElement.EnumerateArray())
            {
                var name = function.FindString("name") is { Length: > 0 } given ? given : throw new FormatException("a function has no \"name\"");
                var bindings = function.Find("bindings") is { ValueKind: JsonValueKind.Array } array
                    ? array.EnumerateArray().Select(binding => binding.GetRawText()).ToList()
                    : throw new FormatException($"function '{name}' has no \"bindings\" array");
                var properties = new Dictionary<string, string>(StringComparer.Ordinal);
                if (function.Find("properties") is { ValueKind: JsonValueKind.Object } props)
                {
                    foreach (var property in props.EnumerateObject())
                    {
                        properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                    }
                }

                functions.Add(new IndexedFunction(
                    name,

                    // The host gives a function read from metadata files an id of its own.
                    Guid.NewGuid().ToString(),
                    function.FindString("scriptFile") ?? string.Empty,
                    function.FindString("entryPoint") ?? string.Empty,
                    function.FindString("directory") ?? string.Empty,
                    function.FindString("language") ?? string.Empty,
                    bindings,
                    properties));
            }

            return functions;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            throw new DevHostException($"{path}: {exception.Message}.", exception);
        }
    }

    private static FunctionDefinition ParseFunction(IndexedFunction function, HostConfiguration host, AppSettings settings, DateTimeOffset now)
    {
        var name = function.Name;
        var documents = new List<JsonDocument>();
        try
        {
            foreach (var raw in function.RawBindings)
            {
                try
                {
                    documents.Add(JsonDocument.Parse(raw, JsonReading.DocumentOptions));
                }
                catch (JsonException exception)
                {
                    throw new FormatException($"a binding is not valid JSON ({exception.Message})", exception);
                }
            }

            var bindings = documents.Select(document => document.RootElement).ToList();
            if (bindings.Any(binding => binding.ValueKind != JsonValueKind.Object))
            {
                throw new FormatException("every binding must be a JSON object");
            }

            var triggers = bindings.Where(IsTrigger).ToList();
            if (triggers.Count != 1)
            {
                throw new FormatException(triggers.Count == 0
                    ? "no trigger binding (one binding whose type ends in 'Trigger', direction 'in')"
                    : "more than one trigger binding");
            }

            var trigger = triggers[0];
            var others = bindings.Where(binding => !IsTrigger(binding)).ToList();
            var type = trigger.FindString("type")!;
            var bindingName = trigger.FindString("name") is { Length: > 0 } given
                ? given
                : throw new FormatException($"the {type} binding has no \"name\"");
            if (!string.Equals(trigger.FindString("direction"), "in", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"the {type} binding must have direction \"in\"");
            }

            FunctionTrigger parsed = type.ToUpperInvariant() switch
            {
                "HTTPTRIGGER" => ParseHttp(name, trigger, bindingName, others, host),
                "QUEUETRIGGER" => ParseQueue(trigger, bindingName, others, settings),
                "TIMERTRIGGER" => ParseTimer(trigger, bindingName, others, settings, now),
                _ => throw new FormatException($"unknown trigger type '{type}' (the DevHost serves httpTrigger, queueTrigger and timerTrigger)"),
            };
            return new FunctionDefinition(name, function.FunctionId, parsed with { DataType = ParseDataType(trigger) });
        }
        catch (FormatException exception)
        {
            throw new DevHostException($"Function '{name}': {exception.Message}.", exception);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>A binding's <c>dataType</c>, as the host's BindingInfo carries it.</summary>
    internal static BindingDataType ParseDataType(JsonElement binding) =>
        binding.FindString("dataType") is { Length: > 0 } text
            ? Enum.TryParse<BindingDataType>(text, ignoreCase: true, out var parsed) ? parsed : throw new FormatException($"dataType '{text}' is not one of string, binary, stream")
            : BindingDataType.Undefined;

    private static bool IsTrigger(JsonElement binding) =>
        binding.FindString("type") is { } type && type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    private static bool IsDisabled(string name, AppSettings settings) =>
        settings.Values.TryGetValue($"AzureWebJobs.{name}.Disabled", out var value)
            && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1");

    private static HttpTrigger ParseHttp(string name, JsonElement trigger, string bindingName, List<JsonElement> others, HostConfiguration host)
    {
        // The DevHost runs no output bindings: an HTTP function answers through its one http out.
        if (others.Count != 1
            || !string.Equals(others[0].FindString("type"), "http", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(others[0].FindString("direction"), "out", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("an HTTP function needs exactly one httpTrigger in and one http out binding (the DevHost runs no other bindings; enqueue with the Queues SDK instead of output bindings)");
        }

        var route = (trigger.FindString("route") ?? name).Trim().Trim('/');
        var template = HttpTrigger.Template(host.RoutePrefix, route);
        try
        {
            RoutePatternFactory.Parse(template);
        }
        catch (RoutePatternException exception)
        {
            throw new FormatException($"route '{route}' is not a valid route template ({exception.Message})", exception);
        }

        var methods = (trigger.FindStringArray("methods") ?? [])
            .Select(method => method.Trim().ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var authLevel = trigger.FindString("authLevel") ?? "function";
        if (authLevel.ToLowerInvariant() is not ("anonymous" or "function" or "admin"))
        {
            throw new FormatException($"authLevel '{authLevel}' is not one of anonymous, function, admin");
        }

        return new HttpTrigger(bindingName, route, methods, authLevel);
    }

    private static QueueTrigger ParseQueue(JsonElement trigger, string bindingName, List<JsonElement> others, AppSettings settings)
    {
        RejectOtherBindings(others);
        var queueName = Resolve(trigger.FindString("queueName") ?? throw new FormatException("the queueTrigger has no \"queueName\""), "queueName", settings);
        if (!QueueNamePattern().IsMatch(queueName) || queueName.Contains("--", StringComparison.Ordinal))
        {
            throw new FormatException($"queue name '{queueName}' is invalid (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)");
        }

        var connection = trigger.FindString("connection") is { Length: > 0 } named ? Resolve(named, "connection", settings) : DefaultStorageConnection;
        if (ResolveConnectionString(connection, settings) is null)
        {
            var identity = settings.Values.Keys.Any(key => key.StartsWith(connection + "__", StringComparison.OrdinalIgnoreCase));
            throw new FormatException(identity
                ? $"queue trigger connection '{connection}' is identity-based ({connection}__...); the DevHost needs a connection string in setting '{connection}' (UseDevelopmentStorage=true for Azurite)"
                : $"queue trigger connection setting '{connection}' is missing; set it in local.settings.json Values or the environment (UseDevelopmentStorage=true for Azurite)");
        }

        return new QueueTrigger(bindingName, queueName, connection);
    }

    private static TimerTrigger ParseTimer(JsonElement trigger, string bindingName, List<JsonElement> others, AppSettings settings, DateTimeOffset now)
    {
        RejectOtherBindings(others);
        var expression = Resolve(trigger.FindString("schedule") ?? throw new FormatException("the timerTrigger has no \"schedule\""), "schedule", settings);
        if (!TimerSchedule.TryParse(expression, out var schedule, out var error))
        {
            throw new FormatException($"timer schedule '{expression}' is neither a 6-field NCRONTAB expression nor a TimeSpan ({error})");
        }

        return new TimerTrigger(
            bindingName,
            schedule,
            trigger.FindBoolean("runOnStartup") ?? false,
            trigger.FindBoolean("useMonitor") ?? schedule.MonitorByDefault(now));
    }

    private static void RejectOtherBindings(List<JsonElement> others)
    {
        if (others.Count > 0)
        {
            var binding = others[0];
            throw new FormatException($"binding '{binding.FindString("name")}' of type '{binding.FindString("type")}' is not supported by the DevHost (only the trigger is; enqueue with the Queues SDK instead of output bindings)");
        }
    }

    /// <summary>The connection string of a storage connection: the setting itself, or <c>AzureWebJobs&lt;name&gt;</c> as the host also tries.</summary>
    internal static string? ResolveConnectionString(string connection, AppSettings settings)
    {
        if (settings.Values.TryGetValue(connection, out var value) && !string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        return settings.Values.TryGetValue("AzureWebJobs" + connection, out value) && !string.IsNullOrWhiteSpace(value) ? value : null;
    }

    /// <summary>Replaces <c>%name%</c> with the app setting <c>name</c>, as the host's name resolver does.</summary>
    private static string Resolve(string value, string property, AppSettings settings) =>
        SettingExpression().Replace(value, match =>
        {
            var setting = match.Groups[1].Value;
            return settings.Values.TryGetValue(setting, out var resolved)
                ? resolved
                : throw new FormatException($"{property} uses %{setting}% but setting '{setting}' is missing");
        });

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_-]{0,127}$")]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueNamePattern();

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();
}

/// <summary>One function as the worker's indexing (or functions.metadata) declares it, kept to send back in its load request.</summary>
internal sealed record IndexedFunction(
    string Name,
    string FunctionId,
    string ScriptFile,
    string EntryPoint,
    string Directory,
    string Language,
    IReadOnlyList<string> RawBindings,
    IReadOnlyDictionary<string, string> Properties);
