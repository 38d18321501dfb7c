using System.Globalization;
using Serverless.ColdStart;

// Cold start of the published custom handler, measured the way the Functions host meets it: start the
// executable, then send signed PINGs until one is answered. See bench/README.md.

const string Usage = """
    Usage: ColdStart --handler <path to published Serverless.Functions> [--runs <n>] [--once]

      --handler <path>  the AOT-published executable (bench/cold-start.sh publishes one)
      --runs <n>        measured runs, after one warm-up run that is not counted (default 20)
      --once            one run that only checks that a signed PING is answered (CI smoke check)
    """;

string? handler = null;
var runs = 20;
var once = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--handler" when i + 1 < args.Length:
            handler = args[++i];
            break;
        case "--runs":
            if (i + 1 == args.Length || !int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out runs) || runs < 1)
            {
                await Console.Error.WriteLineAsync($"--runs needs a positive whole number.\n\n{Usage}");
                return 2;
            }

            break;
        case "--once":
            once = true;
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            await Console.Error.WriteLineAsync($"Unexpected or incomplete argument '{args[i]}'.\n\n{Usage}");
            return 2;
    }
}

if (handler is null)
{
    await Console.Error.WriteLineAsync($"--handler is required.\n\n{Usage}");
    return 2;
}

handler = Path.GetFullPath(handler);
if (!File.Exists(handler))
{
    await Console.Error.WriteLineAsync($"No handler executable at {handler}: publish it first (bench/cold-start.sh does).");
    return 2;
}

using var probe = new HandlerProbe(handler);
Console.WriteLine($"Handler: {handler} ({new FileInfo(handler).Length / 1024.0 / 1024.0:0.0} MiB on disk)");

if (once)
{
    var result = await probe.RunAsync();
    Console.WriteLine(result.Answered
        ? $"OK: signed PING answered 200 {HandlerProbe.Pong} {result.Milliseconds:0.0} ms after start (VmRSS {result.RssMiB:0.0} MiB)"
        : $"FAILED after {result.Attempts} attempts: {result.Failure}");
    return result.Answered ? 0 : 1;
}

// The first run pays for this tool's own JIT of its HTTP client and for reading the executable from disk;
// neither is the handler's cold start, so it is run but not counted.
var warmUp = await probe.RunAsync();
if (!warmUp.Answered)
{
    Console.WriteLine($"warm-up FAILED after {warmUp.Attempts} attempts: {warmUp.Failure}");
    return 1;
}

Console.WriteLine($"warm-up: {warmUp.Milliseconds,6:0.0} ms  (not counted)");

var results = new List<RunResult>(runs);
for (var run = 1; run <= runs; run++)
{
    var result = await probe.RunAsync();
    if (!result.Answered)
    {
        Console.WriteLine($"run {run,2}: FAILED after {result.Attempts} attempts: {result.Failure}");
        return 1;
    }

    results.Add(result);
    Console.WriteLine(
        $"run {run,2}: {result.Milliseconds,6:0.0} ms  VmRSS {result.RssMiB,5:0.0} MiB  (VmHWM {result.PeakMiB,5:0.0} MiB, {result.Attempts} attempts)");
}

var ms = Summary.Of(results.Select(r => r.Milliseconds));
var mib = Summary.Of(results.Select(r => r.RssMiB));
Console.WriteLine();
Console.WriteLine($"{runs} runs        median     p90     min     max");
Console.WriteLine($"start to PONG {ms.Median,7:0.0} {ms.P90,7:0.0} {ms.Min,7:0.0} {ms.Max,7:0.0}  ms");
Console.WriteLine($"VmRSS         {mib.Median,7:0.0} {mib.P90,7:0.0} {mib.Min,7:0.0} {mib.Max,7:0.0}  MiB");
Console.WriteLine();
Console.WriteLine($"target median start to PONG <= {Summary.TargetMilliseconds} ms: {(ms.Median <= Summary.TargetMilliseconds ? "met" : "NOT met")} ({ms.Median:0.0} ms)");
Console.WriteLine($"target median VmRSS <= {Summary.TargetMiB} MiB: {(mib.Median <= Summary.TargetMiB ? "met" : "NOT met")} ({mib.Median:0.0} MiB)");

// Missing a target is a finding, not a failure of the measurement.
return 0;
