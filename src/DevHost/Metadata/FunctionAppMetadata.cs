using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using Serverless.DevHost.Timers;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// A function app folder as the host reads it: <c>host.json</c> and one sub-folder per function holding a
/// <c>function.json</c>. Anything the DevHost cannot serve the way the host would is rejected here, at start,
/// with one line that names the function and what to fix.
/// </summary>
public sealed partial class FunctionAppMetadata
{
    /// <summary>The setting the host uses when a storage binding names no connection.</summary>
    public const string DefaultStorageConnection = "AzureWebJobsStorage";

    private FunctionAppMetadata(string scriptRoot, HostConfiguration host, IReadOnlyList<FunctionDefinition> functions)
    {
        ScriptRoot = scriptRoot;
        Host = host;
        Functions = functions;
    }

    public string ScriptRoot { get; }

    public HostConfiguration Host { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    /// <param name="scriptRoot">The function app folder.</param>
    /// <param name="settings">App settings, for connection settings and <c>%name%</c> expressions.</param>
    /// <param name="now">The current time, to tell sub-minute timer schedules (which the host does not monitor).</param>
    public static FunctionAppMetadata Load(string scriptRoot, AppSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scriptRoot);
        ArgumentNullException.ThrowIfNull(settings);
        if (!System.IO.Directory.Exists(scriptRoot))
        {
            throw new DevHostException($"Script root '{scriptRoot}' does not exist.");
        }

        var root = Path.GetFullPath(scriptRoot);
        var host = HostConfiguration.Load(root, settings.Values);
        var functions = new List<FunctionDefinition>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            var path = Path.Combine(directory, "function.json");
            if (!File.Exists(path))
            {
                // bin/, runtimes/ and the like: the host also ignores folders without function.json.
                continue;
            }

            if (host.Functions is { } allowed && !allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!FunctionNamePattern().IsMatch(name))
            {
                throw new DevHostException($"Function '{name}': the folder name is not a valid function name (a letter, then letters, digits, '_' or '-').");
            }

            var function = LoadFunction(name, directory, path, host, settings, now);
            if (function is not null)
            {
                functions.Add(function);
            }
        }

        if (functions.Count == 0)
        {
            throw new DevHostException($"No functions in '{root}': no sub-folder holds a function.json (for a JIT run use the build output, e.g. src/Functions/bin/Debug/net10.0).");
        }

        return new FunctionAppMetadata(root, host, functions);
    }

    private static FunctionDefinition? LoadFunction(string name, string directory, string path, HostConfiguration host, AppSettings settings, DateTimeOffset now)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), JsonReading.DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new DevHostException($"Function '{name}': function.json is not valid JSON ({exception.Message}).", exception);
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("function.json must be a JSON object");
                }

                if (IsDisabled(name, root, settings))
                {
                    return null;
                }

                var bindings = root.Find("bindings") is { ValueKind: JsonValueKind.Array } array
                    ? array.EnumerateArray().ToList()
                    : throw new FormatException("function.json has no \"bindings\" array");
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
                return new FunctionDefinition(name, directory, parsed);
            }
            catch (FormatException exception)
            {
                throw new DevHostException($"Function '{name}': {exception.Message}.", exception);
            }
        }
    }

    private static bool IsTrigger(JsonElement binding) =>
        binding.FindString("type") is { } type && type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    private static bool IsDisabled(string name, JsonElement function, AppSettings settings)
    {
        // Both switches the host honours: "disabled" in function.json and the AzureWebJobs.<name>.Disabled setting.
        if (function.FindBoolean("disabled") == true)
        {
            return true;
        }

        return settings.Values.TryGetValue($"AzureWebJobs.{name}.Disabled", out var value)
            && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1");
    }

    private static HttpTrigger ParseHttp(string name, JsonElement trigger, string bindingName, List<JsonElement> others, HostConfiguration host)
    {
        if (!host.ForwardHttpRequests)
        {
            throw new FormatException("an HTTP trigger needs customHandler.enableForwardingHttpRequest (or enableProxyingHttpRequest) set to true in host.json; the DevHost does not implement the non-forwarded HTTP payload");
        }

        // The host forwards only a function with exactly one httpTrigger in and one http out.
        if (others.Count != 1
            || !string.Equals(others[0].FindString("type"), "http", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(others[0].FindString("direction"), "out", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("a forwarded HTTP function needs exactly one httpTrigger in and one http out binding; enqueue with the Queues SDK instead of output bindings");
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
