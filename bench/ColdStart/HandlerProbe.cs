using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NSec.Cryptography;

namespace Serverless.ColdStart;

internal sealed record RunResult(bool Answered, double Milliseconds, double RssMiB, double PeakMiB, int Attempts, string? Failure)
{
    public static RunResult Failed(string failure, int attempts) => new(false, 0, 0, 0, attempts, failure);
}

/// <summary>Starts the handler as the Functions host would and times it to its first answered, signed PING.</summary>
internal sealed class HandlerProbe : IDisposable
{
    public const string Pong = """{"type":1}""";

    private const string ApplicationId = "123456789012345678";
    private const string PingBody =
        """{"type":1,"id":"1300000000000000001","application_id":"123456789012345678","token":"cold-start-probe","version":1}""";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly string _handler;
    private readonly Key _key;
    private readonly string _publicKeyHex;
    private readonly byte[] _body = Encoding.UTF8.GetBytes(PingBody);

    // No proxy (an environment's HTTP proxy must not see loopback) and no pooling across runs: each run is a new process.
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(2),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public HandlerProbe(string handler)
    {
        _handler = handler;
        _key = Key.Create(Algorithm);
        _publicKeyHex = Convert.ToHexStringLower(_key.Export(KeyBlobFormat.RawPublicKey));
    }

    public async Task<RunResult> RunAsync()
    {
        // Signed before the clock starts: Discord signs, not the handler.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signatureHex = Convert.ToHexStringLower(Algorithm.Sign(_key, [.. Encoding.ASCII.GetBytes(timestamp), .. _body]));
        var port = FreeLoopbackPort();
        var uri = new Uri($"http://127.0.0.1:{port}/api/interactions");

        var start = new ProcessStartInfo(_handler)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            // The Functions host runs the handler in the function app's root, where appsettings.json lies.
            WorkingDirectory = Path.GetDirectoryName(_handler)!,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Discord__PublicKey"] = _publicKeyHex;
        start.Environment["Discord__ApplicationId"] = ApplicationId;
        // Storage is configured but not touched by a PING: creating the clients makes no network call.
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var output = new OutputTail();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);

        var attempts = 0;
        var started = Stopwatch.GetTimestamp();
        process.Start();
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var deadline = new CancellationTokenSource(Timeout);
            string? lastError = null;
            while (true)
            {
                attempts++;
                try
                {
                    var (status, body) = await PostPingAsync(uri, signatureHex, timestamp, deadline.Token);
                    var answeredAt = Stopwatch.GetTimestamp();
                    if (status != HttpStatusCode.OK || body != Pong)
                    {
                        return RunResult.Failed($"answered {(int)status} '{body}' instead of 200 {Pong}{output.Describe()}", attempts);
                    }

                    var (rssKiB, peakKiB) = ReadMemory(process.Id);
                    return new RunResult(true, Stopwatch.GetElapsedTime(started, answeredAt).TotalMilliseconds, rssKiB / 1024.0, peakKiB / 1024.0, attempts, null);
                }
                catch (HttpRequestException exception)
                {
                    // Connection refused while the handler is still starting: try again.
                    lastError = exception.Message;
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    return TimedOut();
                }

                if (process.HasExited)
                {
                    return RunResult.Failed($"the handler exited with code {process.ExitCode} before answering{output.Describe()}", attempts);
                }

                if (deadline.IsCancellationRequested)
                {
                    return TimedOut();
                }

                // Not Task.Delay: its timer fires every ~4 ms here, which would blur the figures by as much.
                Thread.Sleep(PollInterval);
            }

            RunResult TimedOut() =>
                RunResult.Failed($"no answer within {Timeout.TotalSeconds:0} s (last error: {lastError ?? "none"}){output.Describe()}", attempts);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostPingAsync(Uri uri, string signatureHex, string timestamp, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Signature-Ed25519", signatureHex);
        request.Headers.Add("X-Signature-Timestamp", timestamp);
        using var response = await _http.SendAsync(request, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>A port nobody listens on now; the handler binds it a few milliseconds later.</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>VmRSS and VmHWM in KiB from /proc (Linux); zero elsewhere.</summary>
    private static (long RssKiB, long PeakKiB) ReadMemory(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return (0, 0);
        }

        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKiB(line);
            }
        }

        return (rss, peak);

        // "VmRSS:	   28764 kB"
        static long ParseKiB(string line) =>
            long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines the handler printed, drained continuously so that it never blocks on a full pipe.</summary>
    private sealed class OutputTail
    {
        private const int Keep = 20;
        private readonly Queue<string> _lines = new();
        private readonly Lock _lock = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                if (_lines.Count == Keep)
                {
                    _lines.Dequeue();
                }

                _lines.Enqueue(line);
            }
        }

        public string Describe()
        {
            lock (_lock)
            {
                return _lines.Count == 0 ? "" : $"; handler output:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", _lines)}";
            }
        }
    }
}
