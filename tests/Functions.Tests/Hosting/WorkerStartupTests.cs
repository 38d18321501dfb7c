using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Serverless.TestSupport;

namespace Serverless.Functions.Tests.Hosting;

/// <summary>
/// The built worker started as the host starts it (<c>dotnet Serverless.Functions.dll --functions-uri …</c>), with a
/// plain TCP listener where the host's gRPC endpoint would be: bad settings must stop it before it connects.
/// </summary>
public sealed class WorkerStartupTests
{
    private const string ValidKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    [Fact]
    public async Task MissingSetting_ExitsWithCode2NamingTheKey_WithoutConnectingToTheHost()
    {
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();

        using var worker = StartWorker(Port(host), new Dictionary<string, string?>
        {
            ["Discord__PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await worker.Process.WaitForExitAsync(timeout.Token);
        worker.Process.WaitForExit();

        Assert.Equal(2, worker.Process.ExitCode);
        Assert.Contains("Configuration error: Discord__ApplicationId is missing", worker.Output, StringComparison.Ordinal);
        Assert.False(host.Pending(), "the worker connected to the host before failing its validation");
    }

    [Fact]
    public async Task ValidSettings_ConnectToTheHostsEndpoint()
    {
        using var host = new TcpListener(IPAddress.Loopback, 0);
        host.Start();

        using var worker = StartWorker(Port(host), new Dictionary<string, string?>
        {
            ["Discord__ApplicationId"] = "100000000000000001",
            ["Discord__PublicKey"] = ValidKey,
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var connection = await host.AcceptTcpClientAsync(timeout.Token);

            Assert.True(connection.Connected);
            Assert.False(worker.Process.HasExited, worker.Output);
        }
        finally
        {
            worker.Process.Kill(entireProcessTree: true);
            await worker.Process.WaitForExitAsync();
        }
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Starts the build output as the host would, with exactly the given app settings (none inherited).</summary>
    private static WorkerProcess StartWorker(int port, Dictionary<string, string?> settings)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.FunctionsBuildOutput,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryPaths.FunctionsBuildOutput, "Serverless.Functions.dll"));
        foreach (var argument in new[]
        {
            "--functions-uri", $"http://127.0.0.1:{port}/",
            "--functions-worker-id", Guid.NewGuid().ToString(),
            "--functions-request-id", Guid.NewGuid().ToString(),
            "--functions-grpc-max-message-length", "2147483647",
        })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(key => key.StartsWith("Discord", StringComparison.OrdinalIgnoreCase) || key.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = RepositoryPaths.FunctionsBuildOutput;
        return new WorkerProcess(info);
    }

    private sealed class WorkerProcess : IDisposable
    {
        private readonly StringBuilder _output = new();

        public WorkerProcess(ProcessStartInfo info)
        {
            Process = new Process { StartInfo = info };
            Process.OutputDataReceived += (_, e) => Append(e.Data);
            Process.ErrorDataReceived += (_, e) => Append(e.Data);
            Process.Start();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Dispose() => Process.Dispose();

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
