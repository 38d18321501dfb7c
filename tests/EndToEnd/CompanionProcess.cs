using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.EndToEnd.Tests;

/// <summary>
/// The companion as its own process (the build the container runs), with its output kept for assertions.
/// Stopping sends SIGTERM, as a container runtime does, so the graceful shutdown is what gets tested.
/// </summary>
public sealed class CompanionProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<string> _output = [];
    private Process? _process;

    public CompanionProcess(IReadOnlyDictionary<string, string> environment)
    {
        _environment = environment;
    }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = ProcessRunner.FreePort();
            BaseUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
            var info = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add(Path.Combine(RepositoryPaths.CompanionBuildOutput, "Serverless.Companion.dll"));
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(BaseUrl);
            foreach (var (key, value) in _environment)
            {
                info.Environment[key] = value;
            }

            _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the companion");
            _process.OutputDataReceived += (_, e) => Record(e.Data);
            _process.ErrorDataReceived += (_, e) => Record(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();

            if (await WaitForHealthAsync(TimeSpan.FromSeconds(60)))
            {
                return;
            }

            // The port found free may have been taken before the companion bound it; try another.
            await StopAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException("The companion did not start:\n" + string.Join('\n', Output.TakeLast(40)));
            }
        }
    }

    /// <summary>GET /healthz as JSON, or null while it does not answer.</summary>
    public async Task<JsonElement?> HealthAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(BaseUrl + "/healthz"));
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Waits until /healthz says the gateway and Lavalink are both up.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var health = await HealthAsync();
            if (health is { } body && body.GetProperty("status").GetString() == "ok")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the companion was not ready within {timeout}: {health}\n{string.Join('\n', Output.TakeLast(30))}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM and wait, like <c>docker stop</c>: the gateway closes resumably and state is saved.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills the process outright, as a crash or a lost node does: nothing is closed, saved or released.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>The top-level <c>status</c> of /healthz, or null while it does not answer.</summary>
    public async Task<string?> StatusAsync() =>
        await HealthAsync() is { } body && body.TryGetProperty("status", out var status) ? status.GetString() : null;

    /// <summary>Waits until /healthz says <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await StatusAsync() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the companion's status was not {status} within {timeout}: {await HealthAsync()}\n{string.Join('\n', Output.TakeLast(30))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<bool> WaitForHealthAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is null || _process.HasExited)
            {
                return false;
            }

            if (await HealthAsync() is not null)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
