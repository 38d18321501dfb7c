using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Companion.Tests.Hosting;

/// <summary>
/// The companion as the container runs it (its own process): what it writes to the console is one JSON object per
/// line, and it starts and answers <c>/healthz</c> with and without Application Insights. Nothing it talks to is up
/// (storage, Discord and the ingestion endpoint are closed ports), which is also what a bad deployment looks like.
/// </summary>
public sealed class CompanionConsoleTests
{
    private static readonly string[] RequiredFields = ["Timestamp", "EventId", "LogLevel", "Category", "Message", "State", "Scopes"];

    [Fact]
    public async Task EveryConsoleLine_IsOneJsonObject_WithEventIdLevelCategoryMessageAndScopes()
    {
        await using var run = await CompanionRun.StartAsync(new Dictionary<string, string>
        {
            // The request's own log line carries the request's scope.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        Assert.True(await run.HealthAnswersAsync(), run.Describe());
        var exitCode = await run.StopAsync();

        Assert.Equal(0, exitCode);
        Assert.NotEmpty(run.StandardOutput);
        var entries = run.StandardOutput.Select(line => ParseObject(line, run)).ToList();
        Assert.All(entries, entry =>
        {
            foreach (var field in RequiredFields)
            {
                Assert.True(entry.TryGetProperty(field, out _), $"no {field} in {entry}");
            }

            Assert.Equal(JsonValueKind.Number, entry.GetProperty("EventId").ValueKind);
            Assert.EndsWith("Z", entry.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Array, entry.GetProperty("Scopes").ValueKind);
        });
        // Our own events keep their ids (9101: on standby, as storage is down and the lease cannot be taken) and the
        // request's scope is there to filter on.
        Assert.Contains(entries, entry => entry.GetProperty("EventId").GetInt32() == 9101
            && entry.GetProperty("Category").GetString() == "Serverless.Companion.Leadership.CompanionLeadership");
        Assert.Contains(entries, entry => entry.GetProperty("Scopes").EnumerateArray().Any(scope =>
            scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("RequestPath", out var path) && path.GetString() == "/healthz"));
        Assert.All(run.StandardOutput, line => Assert.DoesNotContain(CompanionRun.BotToken, line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlainText_IsOneSettingAway_ForATerminal()
    {
        await using var run = await CompanionRun.StartAsync(new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "simple" });
        Assert.True(await run.HealthAnswersAsync(), run.Describe());
        await run.StopAsync();

        Assert.Contains(run.StandardOutput, line => line.StartsWith("info: Serverless.Companion.Leadership.CompanionLeadership[9101]", StringComparison.Ordinal));
        Assert.DoesNotContain(run.StandardOutput, line => line.StartsWith('{'));
    }

    [Fact]
    public async Task WithApplicationInsights_TheCompanionStartsAndAnswersHealth_EvenWithTheIngestionEndpointDown()
    {
        await using var run = await CompanionRun.StartAsync(new Dictionary<string, string>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = string.Create(CultureInfo.InvariantCulture,
                $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:{ClosedPort()}/"),
        });
        Assert.True(await run.HealthAnswersAsync(), run.Describe());
        var exitCode = await run.StopAsync();

        Assert.Equal(0, exitCode);
        // The exporter adds nothing of its own to the console: every line is still one of ours, as JSON.
        Assert.All(run.StandardOutput, line => ParseObject(line, run));
    }

    [Theory]
    [InlineData("Telemetry__SamplingRatio", "2")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=Basic")]
    [InlineData("Telemetry__SamplingRatio", "abc")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "not-a-connection-string")]
    public async Task ABadTelemetrySetting_StopsTheCompanionCleanly_NamingItsKey_NotItsValue(string key, string value)
    {
        await using var run = await CompanionRun.StartAsync(new Dictionary<string, string>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = string.Create(CultureInfo.InvariantCulture,
                $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:{ClosedPort()}/"),
            [key] = value,
        });

        var exitCode = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // 2 is the configuration check's exit, with one line per failure; a crash would be 134 and a stack trace.
        Assert.True(exitCode == 2, $"exit {exitCode}\n{run.Describe()}");
        var failure = Assert.Single(run.StandardError);
        Assert.StartsWith("Configuration error: ", failure, StringComparison.Ordinal);
        Assert.Contains(key, failure, StringComparison.Ordinal);
        Assert.DoesNotContain(value, failure, StringComparison.Ordinal);
    }

    private static JsonElement ParseObject(string line, CompanionRun run)
    {
        JsonElement element;
        try
        {
            element = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException exception)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON line ({exception.Message}): {line}\n{run.Describe()}");
        }

        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        return element;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One run of the built companion, stdout and stderr kept apart.</summary>
    private sealed class CompanionRun : IAsyncDisposable
    {
        public const string BotToken = "companion-console-test-bot-token";

        private readonly Process _process;
        private readonly List<string> _stdout = [];
        private readonly List<string> _stderr = [];

        private CompanionRun(Process process, string baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public IReadOnlyList<string> StandardOutput
        {
            get
            {
                lock (_stdout)
                {
                    return [.. _stdout];
                }
            }
        }

        public IReadOnlyList<string> StandardError
        {
            get
            {
                lock (_stderr)
                {
                    return [.. _stderr];
                }
            }
        }

        public static Task<CompanionRun> StartAsync(IReadOnlyDictionary<string, string> settings)
        {
            var closed = ClosedPort();
            var baseUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{ProcessRunner.FreePort()}");
            var info = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.ArgumentList.Add(Path.Combine(RepositoryPaths.CompanionBuildOutput, "Serverless.Companion.dll"));
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(baseUrl);
            // Nothing the companion depends on answers: it must still start, log and report itself unhealthy.
            var storage = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{closed}/devstoreaccount1");
            info.Environment["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint={storage};QueueEndpoint={storage};TableEndpoint={storage};";
            info.Environment["Discord__ApplicationId"] = "100000000000000001";
            info.Environment["Discord__BotToken"] = BotToken;
            info.Environment["Discord__ApiBaseUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{closed}/api/v10");
            info.Environment["Discord__GatewayUrl"] = string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{closed}");
            info.Environment.Remove("APPLICATIONINSIGHTS_CONNECTION_STRING");
            info.Environment.Remove("Logging__Console__FormatterName");
            foreach (var (key, value) in settings)
            {
                info.Environment[key] = value;
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the companion");
            var run = new CompanionRun(process, baseUrl);
            process.OutputDataReceived += (_, e) => Record(run._stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Record(run._stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return Task.FromResult(run);
        }

        /// <summary>True once <c>/healthz</c> answers (whatever its status: the companion's dependencies are down on purpose).</summary>
        public async Task<bool> HealthAnswersAsync()
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri(BaseUrl + "/healthz"));
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    return body.RootElement.TryGetProperty("status", out _);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(100);
                }
            }

            return false;
        }

        /// <summary>SIGTERM, as the container runtime sends, and the exit code.</summary>
        public async Task<int> StopAsync()
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            return await WaitForExitAsync(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("the companion did not stop:\n" + Describe());
        }

        /// <summary>The exit code, or null (and the process killed) when it runs past <paramref name="timeout"/>.</summary>
        public async Task<int?> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
                _process.WaitForExit();
                return _process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        public string Describe() =>
            "stdout:\n" + string.Join('\n', StandardOutput.TakeLast(30)) + "\nstderr:\n" + string.Join('\n', StandardError.TakeLast(30));

        private static void Record(List<string> lines, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
