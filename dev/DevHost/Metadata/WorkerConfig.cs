using System.Text.Json;

namespace Serverless.DevHost.Metadata;

/// <summary>
/// The script root's <c>worker.config.json</c>, read as the host reads a worker's description: the command is
/// <c>defaultExecutablePath</c>, then <c>arguments</c> (with <c>{workerDirectoryPath}</c> replaced), then the quoted
/// <c>defaultWorkerPath</c> made absolute against the worker directory, then <c>workerArguments</c>; the host's own
/// arguments (<c>--host</c>, <c>--port</c>, ...) follow. The worker directory is the script root.
/// </summary>
public sealed record WorkerConfig
{
    public const string FileName = "worker.config.json";

    /// <summary>The host's placeholder for the worker directory in <c>arguments</c>.</summary>
    private const string WorkerDirectoryPlaceholder = "{workerDirectoryPath}";

    /// <summary>Where worker.config.json is: the worker directory (the script root for an isolated-worker app).</summary>
    public required string WorkerDirectory { get; init; }

    /// <summary><c>description.language</c>, e.g. <c>dotnet-isolated</c>.</summary>
    public required string Language { get; init; }

    /// <summary><c>description.defaultExecutablePath</c>, e.g. <c>dotnet</c> (looked up on PATH) or the app's own executable.</summary>
    public required string ExecutablePath { get; init; }

    /// <summary><c>description.arguments</c>, with <c>{workerDirectoryPath}</c> replaced.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary><c>description.defaultWorkerPath</c>, absolute; null when not set (a self-contained executable).</summary>
    public string? WorkerPath { get; init; }

    /// <summary><c>description.workerArguments</c>.</summary>
    public IReadOnlyList<string> WorkerArguments { get; init; } = [];

    /// <summary><c>description.workerIndexing</c> is true: the host asks the worker for its functions before reading <c>functions.metadata</c>.</summary>
    public bool WorkerIndexing { get; init; }

    /// <summary>Reads <c>worker.config.json</c> from <paramref name="scriptRoot"/>; a missing or invalid file is a start-up error naming it.</summary>
    public static WorkerConfig Load(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, FileName);
        if (!File.Exists(path))
        {
            throw new DevHostException($"No {FileName} in '{scriptRoot}': pass the isolated-worker Functions app's build or publish output as --script-root (e.g. src/Functions/bin/Release/net10.0), where the Functions SDK writes {FileName} and functions.metadata.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), JsonReading.DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new DevHostException($"{path} is not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            try
            {
                var description = document.RootElement.Find("description") is { ValueKind: JsonValueKind.Object } found
                    ? found
                    : throw new FormatException("it has no \"description\" object");
                var executable = description.FindString("defaultExecutablePath") is { Length: > 0 } given
                    ? given
                    : throw new FormatException("description.defaultExecutablePath is empty");
                var workerPath = description.FindString("defaultWorkerPath") is { Length: > 0 } relative
                    ? Path.GetFullPath(Path.Combine(scriptRoot, relative))
                    : null;
                return new WorkerConfig
                {
                    WorkerDirectory = scriptRoot,
                    Language = description.FindString("language") ?? string.Empty,
                    ExecutablePath = executable,
                    Arguments = [.. (description.FindStringArray("arguments") ?? []).Select(argument => argument.Replace(WorkerDirectoryPlaceholder, scriptRoot, StringComparison.Ordinal))],
                    WorkerPath = workerPath,
                    WorkerArguments = description.FindStringArray("workerArguments") ?? [],
                    WorkerIndexing = string.Equals(description.FindString("workerIndexing"), "true", StringComparison.OrdinalIgnoreCase),
                };
            }
            catch (FormatException exception)
            {
                throw new DevHostException($"{path}: {exception.Message}.", exception);
            }
        }
    }
}
