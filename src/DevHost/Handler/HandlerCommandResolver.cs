using Serverless.DevHost.Metadata;

namespace Serverless.DevHost.Handler;

/// <summary>Works out the handler's command line and working directory the way the host reads <c>customHandler.description</c>.</summary>
internal static class HandlerCommandResolver
{
    public static HandlerLaunch Resolve(DevHostOptions options, FunctionAppMetadata metadata, AppSettings settings)
    {
        var host = metadata.Host;
        var root = metadata.ScriptRoot;
        var workingDirectory = host.WorkingDirectory is { } configured ? Path.GetFullPath(Path.Combine(root, configured)) : root;
        if (!Directory.Exists(workingDirectory))
        {
            throw new DevHostException($"customHandler.description.workingDirectory '{workingDirectory}' does not exist.");
        }

        if (options.HandlerCommand is { } command)
        {
            var file = HasDirectory(command) ? Path.GetFullPath(command) : command;
            if (HasDirectory(command) && !File.Exists(file))
            {
                throw new DevHostException($"Handler '{file}' not found.");
            }

            return new HandlerLaunch(file, options.HandlerArguments ?? [], workingDirectory, settings.ForHandler);
        }

        var executable = host.DefaultExecutablePath
            ?? throw new DevHostException("host.json has no customHandler.description.defaultExecutablePath; give the handler command with --handler.");

        // As the host does: a relative path is looked for in the app folder first, and otherwise left to PATH.
        var resolved = executable;
        if (!Path.IsPathRooted(executable))
        {
            var inRoot = Path.Combine(root, executable);
            if (File.Exists(inRoot))
            {
                resolved = inRoot;
            }
            else if (OperatingSystem.IsWindows() && File.Exists(inRoot + ".exe"))
            {
                resolved = inRoot + ".exe";
            }
            else if (HasDirectory(executable) || FindOnPath(executable) is null)
            {
                throw new DevHostException($"Handler '{executable}' is neither in '{root}' nor on PATH: build or publish the Functions app into the script root, or give the handler command with --handler.");
            }
        }
        else if (!File.Exists(executable))
        {
            throw new DevHostException($"Handler '{executable}' not found.");
        }

        // The host's command line: executable, arguments, worker path, worker arguments.
        var arguments = new List<string>(host.Arguments);
        if (host.DefaultWorkerPath is { } workerPath)
        {
            arguments.Add(Path.IsPathRooted(workerPath) ? workerPath : Path.Combine(root, workerPath));
        }

        arguments.AddRange(host.WorkerArguments);
        return new HandlerLaunch(resolved, arguments, workingDirectory, settings.ForHandler);
    }

    private static bool HasDirectory(string path) =>
        path.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || path.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal);

    private static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows() ? new[] { string.Empty, ".exe", ".cmd", ".bat" } : [string.Empty];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
