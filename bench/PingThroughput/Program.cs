using System.Globalization;
using Serverless.Bench;
using Serverless.DevHost;
using Serverless.PingThroughput;

// Signed-PING throughput and latency of our app through the DevHost: HTTP client -> DevHost -> the worker's
// ASP.NET Core integration -> signature check -> PONG. See bench/README.md.

const string Usage = """
    Usage: PingThroughput --app <publish dir> [--concurrency <c>] [--duration <s>] [--warmup <s>] [--telemetry off|on]

      --app <dir>         our app's publish output (dotnet publish src/Functions -c Release -r linux-x64)
      --concurrency <c>   PINGs in flight, one per connection (default 16)
      --duration <s>      measured seconds (default 10, at most 240: the PING is signed once, and the app
                          refuses signatures older than 5 minutes)
      --warmup <s>        seconds of the same load before measuring, not counted (default 3)
      --telemetry off|on  off (default): no APPLICATIONINSIGHTS_CONNECTION_STRING, so nothing listens to our
                          spans and meters; on: the worker exports to a local ingestion stand-in on loopback,
                          and the run ends with the items it received
    """;

string? appRoot = null;
var concurrency = 16;
var duration = 10;
var warmUp = 3;
var telemetry = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--app" when i + 1 < args.Length:
            appRoot = Path.GetFullPath(args[++i]);
            break;
        case "--concurrency" when TryNumber(args, ref i, 1, 1024, out concurrency):
        case "--duration" when TryNumber(args, ref i, 1, 240, out duration):
        case "--warmup" when TryNumber(args, ref i, 0, 60, out warmUp):
            break;
        case "--telemetry" when i + 1 < args.Length && args[i + 1] is "on" or "off":
            telemetry = args[++i] == "on";
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            await Console.Error.WriteLineAsync($"Unexpected, incomplete or out-of-range argument '{args[i]}'.\n\n{Usage}");
            return 2;
    }
}

if (appRoot is null)
{
    await Console.Error.WriteLineAsync($"--app is required.\n\n{Usage}");
    return 2;
}

if (BenchApp.Problem(appRoot) is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 2;
}

using var ping = new SignedPing();
using var client = new PingClient(ping, maxConnections: concurrency);

// Only warnings and errors are kept: logging each invocation would measure the logger.
var tail = new OutputTail(Microsoft.Extensions.Logging.LogLevel.Warning);
using var loggerFactory = tail.CreateFactory();
await using var sink = telemetry ? IngestionSink.Start() : null;
var app = BenchApp.Ours(appRoot, ping);
if (sink is not null)
{
    app = app.With(new Dictionary<string, string?> { ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = sink.ConnectionString });
}

FunctionsDevHost host;
try
{
    host = await app.StartDevHostAsync(loggerFactory, CancellationToken.None);
}
catch (DevHostException exception)
{
    Console.WriteLine($"The DevHost did not start: {exception.Message}{tail.Describe()}");
    return 1;
}

await using (host)
{
    var uri = BenchApp.InteractionsUri(host);
    var first = await client.SendAsync(uri, CancellationToken.None);
    if (!first.Pong)
    {
        Console.WriteLine($"The first signed PING was answered {first.Answer} instead of 200 {SignedPing.Pong}{tail.Describe()}");
        return 1;
    }

    Console.WriteLine($"app: {appRoot}");
    Console.WriteLine($"DevHost {host.BaseUrl}, worker pid {host.WorkerProcessId}; {concurrency} in flight, warm-up {warmUp} s, measured {duration} s");
    Console.WriteLine(sink is null
        ? "telemetry: off (no APPLICATIONINSIGHTS_CONNECTION_STRING)"
        : $"telemetry: on, exporting to the ingestion stand-in at 127.0.0.1:{sink.Port}");
    if (warmUp > 0)
    {
        var warm = await LoadRun.RunAsync(client, uri, concurrency, TimeSpan.FromSeconds(warmUp), CancellationToken.None);
        Console.WriteLine($"warm-up: {warm.Pongs / warm.Elapsed.TotalSeconds:0} PINGs/s (not counted)");
    }

    var result = await LoadRun.RunAsync(client, uri, concurrency, TimeSpan.FromSeconds(duration), CancellationToken.None);
    var memory = host.WorkerProcessId is { } workerId ? ProcessMemory.Read(workerId) : default;
    if (result.Pongs == 0)
    {
        Console.WriteLine($"No PING was answered with a PONG; first wrong answer: {result.FirstWrong}{tail.Describe()}");
        return 1;
    }

    var latency = Summary.Of(result.LatenciesMs);
    Console.WriteLine();
    Console.WriteLine($"signed PINGs answered 200 {SignedPing.Pong}: {result.Pongs:N0} in {result.Elapsed.TotalSeconds:0.0} s = {result.Pongs / result.Elapsed.TotalSeconds:N0}/s");
    Console.WriteLine($"latency ms: p50 {latency.Median:0.00}  p90 {latency.P90:0.00}  p99 {latency.P99:0.00}  max {latency.Max:0.00}");
    Console.WriteLine($"worker after the run: VmRSS {memory.RssMiB:0.0} MiB, VmHWM {memory.PeakMiB:0.0} MiB");
    if (result.Wrong > 0)
    {
        Console.WriteLine($"WRONG answers: {result.Wrong:N0}; first: {result.FirstWrong}{tail.Describe()}");
        return 1;
    }
}

if (sink is not null)
{
    // The worker has stopped: what it batched is flushed on the way out (metrics only then, or every 60 s).
    Console.WriteLine($"telemetry sink: {sink.Items:N0} items in {sink.Requests:N0} posts ({sink.Describe()})");
}

return 0;

static bool TryNumber(string[] args, ref int i, int min, int max, out int value)
{
    value = 0;
    if (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
    {
        i++;
        return true;
    }

    return false;
}
