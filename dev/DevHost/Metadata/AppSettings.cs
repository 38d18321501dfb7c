using System.Collections;
using System.Text.Json;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// The app settings the host sees: <c>local.settings.json</c> <c>Values</c>, overridden by environment variables
/// (as Core Tools does), overridden in turn by settings given in code. A null override removes a setting.
/// </summary>
public sealed class AppSettings
{
    private AppSettings(IReadOnlyDictionary<string, string> values, int? localHttpPort, string? sourcePath)
    {
        Values = values;
        LocalHttpPort = localHttpPort;
        SourcePath = sourcePath;
    }

    /// <summary>Every setting, looked up without regard to case as the host's configuration does.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary><c>Host.LocalHttpPort</c> from local.settings.json, which Core Tools uses as its default port.</summary>
    public int? LocalHttpPort { get; }

    /// <summary>The local.settings.json that was read, if any.</summary>
    public string? SourcePath { get; }

    /// <summary>The settings that came from local.settings.json or from code, which the worker must get as environment variables.</summary>
    internal IReadOnlyDictionary<string, string?> ForWorker { get; private init; } = new Dictionary<string, string?>();

    /// <param name="settingsPath">An explicit local.settings.json, which must exist; null to use <paramref name="defaultPath"/> if present.</param>
    /// <param name="defaultPath">Where to look when no path is given (the current directory's local.settings.json).</param>
    /// <param name="environment">The environment variables, e.g. <see cref="Environment.GetEnvironmentVariables()"/>.</param>
    /// <param name="overrides">Settings from code; they win over everything, and a null value removes the setting.</param>
    public static AppSettings Load(string? settingsPath, string? defaultPath, IDictionary environment, IReadOnlyDictionary<string, string?>? overrides)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? source = null;
        if (settingsPath is not null)
        {
            source = File.Exists(settingsPath)
                ? Path.GetFullPath(settingsPath)
                : throw new DevHostException($"Settings file '{settingsPath}' not found.");
        }
        else if (defaultPath is not null && File.Exists(defaultPath))
        {
            source = Path.GetFullPath(defaultPath);
        }

        var fileValues = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int? localHttpPort = null;
        if (source is not null)
        {
            localHttpPort = ReadLocalSettings(source, fileValues);
        }

        var values = new Dictionary<string, string>(fileValues, StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                values[key] = value;
            }
        }

        // The worker inherits our environment anyway; it also needs what the file and the code add.
        var forWorker = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in fileValues.Keys)
        {
            forWorker[key] = values[key];
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }

            forWorker[key] = value;
        }

        return new AppSettings(values, localHttpPort, source) { ForWorker = forWorker };
    }

    /// <summary>Settings given in code only, without a file or the environment; for tests.</summary>
    public static AppSettings FromValues(IReadOnlyDictionary<string, string?> values) =>
        Load(null, null, new Hashtable(), values);

    private static int? ReadLocalSettings(string path, Dictionary<string, string> values)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), JsonReading.DocumentOptions);
            var root = document.RootElement;
            if (root.FindBoolean("IsEncrypted") == true)
            {
                throw new DevHostException($"{path}: IsEncrypted is true; the DevHost reads only plain local.settings.json files.");
            }

            if (root.Find("Values") is { ValueKind: JsonValueKind.Object } section)
            {
                foreach (var property in section.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        _ => property.Value.GetRawText(),
                    };
                }
            }

            return root.Find("Host") is { ValueKind: JsonValueKind.Object } host ? host.FindInt32("LocalHttpPort") : null;
        }
        catch (JsonException exception)
        {
            throw new DevHostException($"{path} is not valid JSON: {exception.Message}", exception);
        }
        catch (FormatException exception)
        {
            throw new DevHostException($"{path}: {exception.Message}.", exception);
        }
    }
}
