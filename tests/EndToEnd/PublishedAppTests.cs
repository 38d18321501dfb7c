using System.Reflection.PortableExecutable;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class PublishedAppTests(PublishedFunctionApp app)
{
    [SkippableFact]
    public void PublishFolder_IsACompleteIsolatedWorkerApp()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Folder, "host.json")));
        Assert.False(hostJson.RootElement.TryGetProperty("customHandler", out _), "host.json still configures a custom handler");

        using var workerConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Folder, "worker.config.json")));
        var description = workerConfig.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal(Path.GetFileName(app.EntryAssembly), description.GetProperty("defaultWorkerPath").GetString());
        Assert.True(File.Exists(app.EntryAssembly), "the worker assembly named by worker.config.json is missing");
        Assert.True(File.Exists(Path.Combine(app.Folder, "extensions.json")), "extensions.json (the host's trigger extensions) is missing");
        Assert.True(File.Exists(Path.Combine(app.Folder, "libsodium.so")), "NSec's native libsodium for linux-x64 is missing");

        // The same functions as the build the other tests run, declared by the SDK rather than by hand.
        var published = FunctionMetadataReader.Read(app.Folder).Select(f => f.Name).Order(StringComparer.Ordinal);
        var built = FunctionMetadataReader.Read(RepositoryPaths.FunctionsBuildOutput).Select(f => f.Name).Order(StringComparer.Ordinal);
        Assert.Equal(built, published);
        Assert.Equal(12, published.Count());
    }

    [SkippableFact]
    public void WorkerAssembly_IsReadyToRun()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        // ReadyToRun images carry precompiled native code behind the CLI header's ManagedNativeHeader.
        using var stream = File.OpenRead(app.EntryAssembly);
        using var reader = new PEReader(stream);
        var corHeader = reader.PEHeaders.CorHeader!;
        Assert.True(corHeader.ManagedNativeHeaderDirectory.Size > 0, "Serverless.Functions.dll was published without ReadyToRun code");
    }

    [SkippableFact]
    public async Task Worker_WithoutConfiguration_ExitsNamingTheMissingKeys()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        var (exitCode, output) = await ProcessRunner.RunAsync("dotnet", [app.EntryAssembly], TimeSpan.FromSeconds(30), new Dictionary<string, string>
        {
            ["Discord__ApplicationId"] = "",
            ["Discord__PublicKey"] = "",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Discord__PublicKey is missing", output, StringComparison.Ordinal);
        Assert.Contains("Discord__ApplicationId is missing", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
