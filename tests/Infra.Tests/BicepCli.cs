using System.Diagnostics;
using System.Reflection;

namespace Serverless.Infra.Tests;

/// <summary>The Bicep CLI restored from its NuGet package (the project's <c>Azure.Bicep.CommandLine.linux-x64</c>).</summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string ExecutablePath
    {
        get
        {
            var folder = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(attribute => attribute.Key == "BicepPackageFolder").Value;
            var path = Path.Combine(folder ?? "", "tools", OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The Bicep CLI is not at {path}: restore tests/Infra.Tests first.");
            }

            return path;
        }
    }

    public static async Task<BicepResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline here and in CI: no version check, no telemetry.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        EnsureExecutable(start.FileName);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        using var timeout = new CancellationTokenSource(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepResult(process.ExitCode, await output, await error);
    }

    /// <summary>NuGet keeps the file's mode on Linux today; this guards against an extraction that drops it.</summary>
    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }
}

public sealed record BicepResult(int ExitCode, string Output, string Error);
