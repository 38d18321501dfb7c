using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Serverless.TestSupport;

/// <summary>
/// A private Azurite for one test class: installed from npm into the repository's ignored <c>.tools</c>
/// folder at a pinned version, started in memory on free loopback ports, stopped on dispose.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string Version = "3.37.0";

    // Azurite's published development account; not a secret.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int StartAttempts = 5;

    /// <summary>Node starts Azurite in a second or two; a machine busy with parallel test projects can take far longer.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private Process? _process;

    private AzuriteServer()
    {
    }

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts on free ports. A port found free can be taken by another process (a parallel test project,
    /// any outgoing connection) before Azurite binds it, so a failed start is retried on fresh ports.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync()
    {
        var server = new AzuriteServer();
        for (var attempt = 1; ; attempt++)
        {
            server.BlobPort = ProcessRunner.FreePort();
            server.QueuePort = ProcessRunner.FreePort();
            server.TablePort = ProcessRunner.FreePort();
            try
            {
                await server.StartOnceAsync();
                return server;
            }
            catch (InvalidOperationException)
            {
                // A start that timed out leaves node running: stop it before trying again or giving up.
                await server.StopAsync();
                if (attempt >= StartAttempts)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Restarts, empty, on the same ports (the tests that stop Azurite expect them back).</summary>
    public async Task StartAgainAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync();
                return;
            }
            catch (InvalidOperationException)
            {
                await StopAsync();
                if (attempt >= StartAttempts)
                {
                    throw;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private async Task StartOnceAsync()
    {
        var entry = await EnsureInstalledAsync();
        var info = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            entry, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", Port(BlobPort),
            "--queueHost", "127.0.0.1", "--queuePort", Port(QueuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Port(TablePort),
        })
        {
            info.ArgumentList.Add(argument);
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        // Azurite prints this once per service it has bound itself. Probing the ports is not enough: a port found free
        // can be taken by another test project's server meanwhile, and a probe would then see that one listening while
        // ours has failed to bind and is exiting.
        var listening = 0;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("successfully listening at", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref listening);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && errors.Count < 20)
            {
                errors.Enqueue(line);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref listening) < 3 || !await IsListeningAsync(QueuePort) || !await IsListeningAsync(TablePort))
        {
            if (_process.HasExited || deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"Azurite did not start on ports {BlobPort}/{QueuePort}/{TablePort} " +
                    $"(exit code {(_process.HasExited ? _process.ExitCode : -1)}): {string.Join(" | ", errors)}");
            }

            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Installs the pinned Azurite once per machine; concurrent test processes wait on a lock file.</summary>
    public static async Task<string> EnsureInstalledAsync()
    {
        var prefix = Path.Combine(RepositoryPaths.Root, ".tools", "azurite");
        var entry = Path.Combine(prefix, "node_modules", "azurite", "dist", "src", "azurite.js");
        var marker = Path.Combine(prefix, "installed-" + Version);
        if (File.Exists(marker) && File.Exists(entry))
        {
            return entry;
        }

        Directory.CreateDirectory(prefix);
        await using var lockFile = await AcquireLockAsync(Path.Combine(prefix, ".install.lock"));
        if (File.Exists(marker) && File.Exists(entry))
        {
            return entry;
        }

        var (exitCode, output) = await ProcessRunner.RunAsync(
            "npm",
            ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-package-lock", "--loglevel", "error", "azurite@" + Version],
            TimeSpan.FromMinutes(5));
        if (exitCode != 0 || !File.Exists(entry))
        {
            throw new InvalidOperationException($"npm install azurite@{Version} failed ({exitCode}): {ProcessRunner.Tail(output)}");
        }

        await File.WriteAllTextAsync(marker, Version);
        return entry;
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromMinutes(6))
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
