using System.Globalization;
using Serverless.Bench;
using Serverless.ColdStart;

// Cold start of our isolated-worker app against the template app, both under the DevHost: time from the worker
// process's start to the first signed PING answered through the DevHost, and the worker's memory then.
// See bench/README.md.

const string Usage = """
    Usage: ColdStart --ours <publish dir> --template <publish dir> [--runs <n>] [--once] [--setting KEY=VALUE]...

      --ours <dir>      our app's publish output (dotnet publish src/Functions -c Release -r linux-x64)
      --template <dir>  the template app's publish output (bench/TemplateApp, published the same way)
      --runs <n>        measured runs per app, after one warm-up run each that is not counted (default 10)
      --once            one run per app that only checks that a signed PING is answered (smoke check)
      --setting K=V     an app setting for both apps, which the worker gets as an environment variable, for
                        experiments such as DOTNET_ReadyToRun=0 or DOTNET_TieredPGO=0 (repeatable)
    """;

string? ours = null, template = null;
var runs = 10;
var once = false;
var extraSettings = new Dictionary<string, string?>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ours" when i + 1 < args.Length:
            ours = Path.GetFullPath(args[++i]);
            break;
        case "--template" when i + 1 < args.Length:
            template = Path.GetFullPath(args[++i]);
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
        case "--setting" when i + 1 < args.Length && args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
            var setting = args[++i];
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            extraSettings[setting[..equals]] = setting[(equals + 1)..];
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        default:
            await Console.Error.WriteLineAsync($"Unexpected or incomplete argument '{args[i]}'.\n\n{Usage}");
            return 2;
    }
}

if (ours is null || template is null)
{
    await Console.Error.WriteLineAsync($"--ours and --template are required.\n\n{Usage}");
    return 2;
}

foreach (var problem in new[] { BenchApp.Problem(ours), BenchApp.Problem(template) }.OfType<string>())
{
    await Console.Error.WriteLineAsync(problem);
    return 2;
}

using var ping = new SignedPing();
using var client = new PingClient(ping, maxConnections: 1);
var tail = new OutputTail(Microsoft.Extensions.Logging.LogLevel.Information);
var probe = new ColdStartProbe(ping, client, tail, new StartupMilestones());
BenchApp[] apps = [BenchApp.Ours(ours, ping).With(extraSettings), BenchApp.Template(template).With(extraSettings)];
foreach (var app in apps)
{
    Console.WriteLine($"{app.Name,-8}: {app.ScriptRoot}");
}

if (extraSettings.Count > 0)
{
    Console.WriteLine($"extra settings for both: {string.Join(", ", extraSettings.Select(pair => $"{pair.Key}={pair.Value}"))}");
}

if (once)
{
    var failed = false;
    foreach (var app in apps)
    {
        var result = await probe.RunAsync(app);
        failed |= !result.Answered;
        Console.WriteLine(result.Answered
            ? $"{app.Name,-8}: OK, signed PING answered 200 {SignedPing.Pong} {result.Milliseconds:0} ms after the worker started (VmRSS {result.Memory.RssMiB:0.0} MiB)"
            : $"{app.Name,-8}: FAILED after {result.Attempts} attempts: {result.Failure}");
    }

    return failed ? 1 : 0;
}

// One warm-up run per app, not counted: it JIT-compiles the DevHost and this tool in this process and reads the
// apps from disk, none of which is the worker's cold start.
foreach (var app in apps)
{
    var warmUp = await probe.RunAsync(app);
    if (!warmUp.Answered)
    {
        Console.WriteLine($"{app.Name,-8} warm-up FAILED after {warmUp.Attempts} attempts: {warmUp.Failure}");
        return 1;
    }

    Console.WriteLine($"{app.Name,-8} warm-up: {warmUp.Milliseconds,6:0} ms (not counted)");
}

// The apps take turns, so that whatever else the machine does at the time weighs on both alike.
var results = apps.ToDictionary(app => app.Name, _ => new List<RunResult>(runs));
for (var run = 1; run <= runs; run++)
{
    foreach (var app in apps)
    {
        var result = await probe.RunAsync(app);
        if (!result.Answered)
        {
            Console.WriteLine($"{app.Name,-8} run {run,2}: FAILED after {result.Attempts} attempts: {result.Failure}");
            return 1;
        }

        results[app.Name].Add(result);
        Console.WriteLine(
            $"{app.Name,-8} run {run,2}: PONG {result.Milliseconds,5:0} ms (initialized {result.InitializedMs,5:0}, loaded {result.LoadedMs,5:0}, first request {result.FirstRequestMs,4:0})  " +
            $"VmRSS {result.Memory.RssMiB,5:0.0} MiB  VmHWM {result.Memory.PeakMiB,5:0.0} MiB  ({result.Attempts} attempts)");
    }
}

Console.WriteLine();
Console.WriteLine($"{runs} runs each; milliseconds from the worker process's start, and the worker's memory at the first PONG");
Console.WriteLine($"{"",-24}{string.Concat(apps.Select(app => $"|{app.Name,-8}  median    p90    min    max "))}");
Row("initialized (init resp.)", r => r.InitializedMs, "0");
Row("functions loaded", r => r.LoadedMs, "0");
Row("first PONG", r => r.Milliseconds, "0");
Row("1st request in DevHost", r => r.FirstRequestMs, "0");
Row("VmRSS MiB", r => r.Memory.RssMiB, "0.0");
Row("VmHWM MiB", r => r.Memory.PeakMiB, "0.0");
Console.WriteLine();

var oursMedian = Summary.Of(results[apps[0].Name].Select(r => r.Milliseconds)).Median;
var templateMedian = Summary.Of(results[apps[1].Name].Select(r => r.Milliseconds)).Median;
Console.WriteLine(
    $"goal, ours reaches its first PONG no later than the template (medians): {(oursMedian <= templateMedian ? "met" : "NOT met")} " +
    $"({oursMedian:0} ms vs {templateMedian:0} ms, {oursMedian - templateMedian:+0;-0;0} ms)");

// Missing the goal is a finding, not a failure of the measurement.
return 0;

void Row(string label, Func<RunResult, double> value, string format)
{
    var cells = apps.Select(app =>
    {
        var values = results[app.Name].Select(value).Where(v => !double.IsNaN(v)).ToArray();
        if (values.Length == 0)
        {
            return $"|{"",-8}  {"n/a",6} {"",6} {"",6} {"",6} ";
        }

        var summary = Summary.Of(values);
        return $"|{"",-8}  {summary.Median.ToString(format, CultureInfo.InvariantCulture),6} {summary.P90.ToString(format, CultureInfo.InvariantCulture),6} " +
            $"{summary.Min.ToString(format, CultureInfo.InvariantCulture),6} {summary.Max.ToString(format, CultureInfo.InvariantCulture),6} ";
    });
    Console.WriteLine($"{label,-24}{string.Concat(cells)}");
}
