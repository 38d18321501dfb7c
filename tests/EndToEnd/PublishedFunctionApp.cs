using System.Runtime.InteropServices;
using Serverless.TestSupport;

namespace Serverless.EndToEnd;

/// <summary>
/// Publishes src/Functions once per test run exactly as Azure receives it: Native AOT for linux-x64.
/// </summary>
public sealed class PublishedFunctionApp : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-x64";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "serverless-publish-" + Guid.NewGuid().ToString("N"));

    public string Executable => Path.Combine(Folder, "Serverless.Functions");

    /// <summary>Why the AOT build cannot be made on this machine, or null. CI always builds it.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>What <c>dotnet publish</c> printed: the AOT compiler's warnings are read from it.</summary>
    public string PublishOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (RuntimeInformation.RuntimeIdentifier != RuntimeIdentifier && !inCi)
        {
            SkipReason = $"the Azure build is {RuntimeIdentifier}; this machine is {RuntimeInformation.RuntimeIdentifier}";
            return;
        }

        if (!inCi && !HasNativeLinker())
        {
            SkipReason = "Native AOT needs clang or gcc on PATH (apt-get install clang)";
            return;
        }

        var (exitCode, output) = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", RepositoryPaths.FunctionsProject, "-c", "Release", "-r", RuntimeIdentifier, "-o", Folder, "--nologo"],
            TimeSpan.FromMinutes(10));
        PublishOutput = output;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({exitCode}):\n{ProcessRunner.Tail(output)}");
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static bool HasNativeLinker() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, "clang")) || File.Exists(Path.Combine(dir, "gcc")));
}

/// <summary>
/// End-to-end tests run one at a time: each environment is several processes (Azurite, the DevHost, the
/// handler, the Sandbox), and the AOT build is published once for all of them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PublishedFunctionApp>
{
    public const string Name = "end to end";
}
