using System.Runtime.InteropServices;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// Publishes src/Functions once per test run exactly as Azure receives it: ReadyToRun for linux-x64, framework-dependent
/// (Flex Consumption provides the .NET runtime).
/// </summary>
public sealed class PublishedFunctionApp : IAsyncLifetime
{
    public const string RuntimeIdentifier = "linux-x64";

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "serverless-publish-" + Guid.NewGuid().ToString("N"));

    /// <summary>The worker's entry assembly, as <c>worker.config.json</c> names it.</summary>
    public string EntryAssembly => Path.Combine(Folder, "Serverless.Functions.dll");

    /// <summary>Why the Azure build cannot be made on this machine, or null. CI always builds it.</summary>
    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (RuntimeInformation.RuntimeIdentifier != RuntimeIdentifier && !inCi)
        {
            // ReadyToRun code is compiled for one platform; elsewhere it would run as plain IL and prove less.
            SkipReason = $"the Azure build is {RuntimeIdentifier}; this machine is {RuntimeInformation.RuntimeIdentifier}";
            return;
        }

        var (exitCode, output) = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", RepositoryPaths.FunctionsProject, "-c", "Release", "-r", RuntimeIdentifier, "--self-contained", "false", "-o", Folder, "--nologo"],
            TimeSpan.FromMinutes(10));
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
}

/// <summary>
/// End-to-end tests run one at a time: each environment is several processes (Azurite, the DevHost, the
/// worker, the Sandbox), and the Azure build is published once for all of them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<PublishedFunctionApp>
{
    public const string Name = "end to end";
}
