using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.EndToEnd;

[Collection(EndToEndCollection.Name)]
public sealed class PublishedAppTests(PublishedFunctionApp app)
{
    [SkippableFact]
    public void PublishFolder_IsACompleteFunctionApp()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(app.Folder, "host.json")));
        var executable = hostJson.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
        var executablePath = Path.Combine(app.Folder, executable);

        Assert.True(File.Exists(executablePath), $"{executable} named by host.json is missing");
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executablePath).HasFlag(UnixFileMode.UserExecute), $"{executable} is not executable");
        Assert.False(File.Exists(executablePath + ".dll"), "expected a native executable, found a managed assembly");
        Assert.True(File.Exists(Path.Combine(app.Folder, "libsodium.so")), "NSec's native libsodium is missing");
        var declared = FunctionMetadataReader.Read(app.Folder).Select(f => f.Name).Order(StringComparer.Ordinal);
        var source = FunctionMetadataReader.Read(RepositoryPaths.FunctionMetadata).Select(f => f.Name).Order(StringComparer.Ordinal);
        Assert.Equal(source, declared);
        Assert.All(declared, name => Assert.True(File.Exists(Path.Combine(app.Folder, name, "function.json"))));
    }

    [SkippableFact]
    public void Publish_ReportsNoTrimOrAotWarningInOurCode()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        // MSBuild ends every line with the project's path, which names us; judge the message before it.
        var ours = app.PublishOutput.Split('\n')
            .Where(line => line.Contains("warning IL", StringComparison.Ordinal) || line.Contains("error IL", StringComparison.Ordinal))
            .Select(line => line.Split(" [/", 2)[0])
            .Where(message => message.Contains("Serverless.", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(ours);
    }

    [SkippableFact]
    public async Task NativeExecutable_AnswersASignedPing()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);
        using var signer = new InteractionSigner();
        var port = ProcessRunner.FreePort();
        using var process = Start(new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Discord__ApplicationId"] = "100000000000000001",
            ["Discord__PublicKey"] = signer.PublicKeyHex,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = Stopwatch.StartNew();
            HttpResponseMessage? response = null;
            while (response is null && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                try
                {
                    response = await client.SendAsync(signer.SignedRequest("""{"type":1,"id":"1","application_id":"100000000000000001","token":"t","version":1}""", DateTimeOffset.UtcNow));
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.HasExited, "the handler exited before answering");
                    await Task.Delay(20);
                }
            }

            Assert.NotNull(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"type":1}""", await response.Content.ReadAsStringAsync());
            response.Dispose();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [SkippableFact]
    public async Task NativeExecutable_WithoutConfiguration_ExitsNamingTheMissingKeys()
    {
        Skip.If(app.SkipReason is not null, app.SkipReason);

        var (exitCode, output) = await ProcessRunner.RunAsync(app.Executable, [], TimeSpan.FromSeconds(30), new Dictionary<string, string>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = ProcessRunner.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Discord__ApplicationId"] = "",
            ["Discord__PublicKey"] = "",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Discord__PublicKey is missing", output, StringComparison.Ordinal);
        Assert.Contains("Discord__ApplicationId is missing", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private Process Start(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(app.Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = app.Folder };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
