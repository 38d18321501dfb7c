using System.Diagnostics;
using System.Globalization;
using ProjectionsBench;
using Serverless.Bench;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;
using Serverless.TestSupport;

// A guild with many events a minute spread over its projections (dashboards): each event is a real state change made
// through the feature's domain code against the stack's Azurite, then marked dirty; the DevHost's real worker refreshes
// the Sandbox's messages. Prints, per projection, the Discord writes made, the most edits in any 5-s window, and each
// event's lag (its change stored → the first publish that covers it), against the issue's two goals.
const double EditWindowSeconds = 5;
const int EditsPerWindowGoal = 1;
const double LagGoalSeconds = 5;
const int InFlightPerSource = 4;
var settle = TimeSpan.FromSeconds(60);

if (!Arguments.TryRead(args, out var arguments, out var problem))
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine("usage: ProjectionsBench [--rate EVENTS_PER_MINUTE (1000)] [--minutes M (2)] [--burst SECONDS (10)] [--pause SECONDS (6)] [--app FOLDER] [--setting KEY=VALUE]...");
    Console.Error.WriteLine("       --burst 0: events without pauses (then only the run's last event ends a burst)");
    return 2;
}

try
{
    return await RunAsync();
}
catch (Exception exception) when (exception is not OutOfMemoryException)
{
    Console.Error.WriteLine("FAILED: " + exception);
    return 1;
}

async Task<int> RunAsync()
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    var clock = Stopwatch.StartNew();
    await using var stack = await BenchStack.StartAsync(arguments.App, arguments.Settings, stop.Token);
    Console.WriteLine($"stack up in {clock.Elapsed.TotalSeconds:0.0} s (Azurite, Sandbox, DevHost + worker from {arguments.App})");
    Console.WriteLine($"Projections: CoalesceWindow {stack.Options.CoalesceWindow}, PendingGrace {stack.Options.PendingGrace}; host.json queue polling as configured"
        + (arguments.Settings.Count == 0 ? "" : "; settings: " + string.Join(", ", arguments.Settings.Select(pair => $"{pair.Key}={pair.Value}"))));

    IProjectionEventSource[] sources =
    [
        new DuelScoreboardEvents(stack),
        new RaidAttackEvents(stack),
        new OracleAnswerEvents(stack),
    ];

    // Each source places its projection as its command does; what they also touch (the monthly hall) is placed here.
    var nextChannel = 760000000000000001UL;
    foreach (var source in sources)
    {
        await source.PrepareAsync(nextChannel++, stop.Token);
    }

    var projections = sources.SelectMany(source => source.Touches).Distinct().ToList();
    foreach (var key in projections.Where(key => !sources.Any(source => source.Key == key)))
    {
        if (key == MonthlyStandings.KeyFor(stack.GuildId))
        {
            await HallSetup.RunAsync(stack, nextChannel++, stop.Token);
        }
        else
        {
            await stack.Changes.PlaceAsync(key, nextChannel++, logChannelId: null, "bench-place", stop.Token);
        }
    }

    var channels = new Dictionary<ProjectionKey, ulong>();
    foreach (var key in projections)
    {
        channels[key] = (await stack.Projections.GetAsync(key, stop.Token))!.ChannelId!.Value;
    }

    // Warmed up (first posts, JIT, table creation); a projection whose message never appears has no renderer in the
    // app, and its events still run (they load storage as in the app) but it is not measured.
    for (var i = 0; i < 3; i++)
    {
        foreach (var source in sources)
        {
            await source.EmitAsync(-1 - i, stop.Token);
        }
    }

    var measured = new List<ProjectionKey>();
    foreach (var key in projections)
    {
        if (await WaitCurrentAsync(stack, key, TimeSpan.FromSeconds(30), stop.Token))
        {
            measured.Add(key);
        }
        else
        {
            Console.WriteLine($"{key}: never current after placing; no renderer in the app? Its events run, unmeasured.");
        }
    }

    var tracker = new LagTracker();
    var measuredKeys = measured.ToHashSet();
    using var watching = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    var publishWatcher = new PublishWatcher(stack.Projections, stack.GuildId, tracker);
    var watcher = Task.Run(() => publishWatcher.RunAsync(watching.Token));
    var start = DateTimeOffset.UtcNow;
    var firstCall = stack.Discord.Calls.Count;
    var phases = new Phases(start, arguments.Burst, arguments.Pause);
    Console.WriteLine($"running {arguments.Rate:0} events/min for {arguments.Duration.TotalMinutes:0.##} min from {sources.Length} event sources over {projections.Count} projections in guild {stack.GuildId}"
        + (arguments.Burst > TimeSpan.Zero ? $", in bursts of {arguments.Burst.TotalSeconds:0} s with {arguments.Pause.TotalSeconds:0} s pauses..." : ", without pauses..."));

    var interval = TimeSpan.FromMinutes(1) * sources.Length / arguments.Rate;
    var runs = sources.Select((source, index) => RunSourceAsync(stack, source, tracker, measuredKeys, phases, start + interval * index / sources.Length, interval, start + arguments.Duration, stop.Token)).ToArray();
    var emitted = await Task.WhenAll(runs);
    var end = DateTimeOffset.UtcNow;

    var current = true;
    foreach (var key in measured)
    {
        current &= await WaitCurrentAsync(stack, key, settle, stop.Token);
    }

    await watching.CancelAsync();
    await watcher;

    var calls = stack.Discord.Calls.Skip(firstCall).ToList();
    Console.WriteLine();
    var active = arguments.Burst > TimeSpan.Zero ? (end - start) * (arguments.Burst / (arguments.Burst + arguments.Pause)) : end - start;
    Console.WriteLine($"events: {emitted.Sum():N0} in {(end - start).TotalSeconds:0.0} s = {emitted.Sum() / active.TotalMinutes:0} per minute while bursting (asked {arguments.Rate:0});"
        + $" per source: {string.Join(", ", sources.Select((source, i) => $"{source.Name} {emitted[i]:N0}"))}");
    Console.WriteLine();
    Console.WriteLine("| projection | events marking it | Discord writes (POST/PATCH/DELETE) | 429s | most edits in 5 s | event lag p50 | p95 | p99 | max | burst end → current p50 | p95 | p99 | max |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    var editsMet = true;
    List<double> allLags = [];
    List<double> allBurstEnds = [];
    var uncoveredTotal = 0;
    foreach (var key in measured)
    {
        var channelPath = $"/channels/{channels[key]}/messages";
        var writes = calls.Where(call => call.Path.StartsWith(channelPath, StringComparison.Ordinal) && call.Method is "POST" or "PATCH" or "DELETE").ToList();
        var edits = writes.Where(call => call.Method == "PATCH" && call.StatusCode < 300).Select(call => call.At).Order().ToList();
        var mostInWindow = MostInWindow(edits, TimeSpan.FromSeconds(EditWindowSeconds));
        editsMet &= mostInWindow <= EditsPerWindowGoal;
        var (lags, uncovered) = tracker.LagsOf(key);
        allLags.AddRange(lags);
        uncoveredTotal += uncovered;
        var sorted = lags.Order().ToArray();
        var burstEnds = tracker.BurstEndLags(key).Order().ToArray();
        allBurstEnds.AddRange(burstEnds);
        Console.WriteLine($"| {Name(key)} | {tracker.EventCount(key):N0} | {writes.Count(w => w.StatusCode < 300)} ({writes.Count(w => w.Method == "POST")}/{writes.Count(w => w.Method == "PATCH")}/{writes.Count(w => w.Method == "DELETE")})"
            + $" | {writes.Count(w => w.StatusCode == 429)} | {mostInWindow} | {Seconds(sorted, 0.50)} | {Seconds(sorted, 0.95)} | {Seconds(sorted, 0.99)} | {Seconds(sorted, 1)}"
            + $" | {Seconds(burstEnds, 0.50)} | {Seconds(burstEnds, 0.95)} | {Seconds(burstEnds, 0.99)} | {Seconds(burstEnds, 1)} |"
            + (uncovered > 0 ? $" ({uncovered} events never shown)" : ""));
    }

    foreach (var key in measured)
    {
        // Staleness minus the window: the queue's pick-up (host.json polling) plus the refresh itself.
        var beyond = publishWatcher.StalenessOf(key).Select(value => value - stack.Options.CoalesceWindow.TotalSeconds).Order().ToArray();
        Console.WriteLine($"{Name(key)}: publish − DirtySince − CoalesceWindow (queue pick-up + refresh), {beyond.Length} publishes: p50 {Seconds(beyond, 0.50)}, p95 {Seconds(beyond, 0.95)}, max {Seconds(beyond, 1)}");
    }

    foreach (var raid in sources.OfType<RaidAttackEvents>().Where(raid => raid.Contended > 0))
    {
        Console.WriteLine($"raid attacks refused as 'Too many attacks at once' and sent again: {raid.Contended}");
    }

    var all = allLags.Order().ToArray();
    var ends = allBurstEnds.Order().ToArray();
    Console.WriteLine();
    Console.WriteLine($"event lag (each event → the first publish showing it), all {all.Length:N0}: p50 {Seconds(all, 0.50)}, p95 {Seconds(all, 0.95)}, p99 {Seconds(all, 0.99)}, max {Seconds(all, 1)}");
    Console.WriteLine($"burst end → current (each burst's last event → the publish showing it), all {ends.Length:N0}: p50 {Seconds(ends, 0.50)}, p95 {Seconds(ends, 0.95)}, p99 {Seconds(ends, 0.99)}, max {Seconds(ends, 1)}");
    Console.WriteLine($"goal: at most {EditsPerWindowGoal} edit per projection in any {EditWindowSeconds:0}-s window: {(editsMet ? "met" : "NOT MET")}");
    var lagMet = ends.Length > 0 && Percentile(ends, 0.99) < LagGoalSeconds && uncoveredTotal == 0;
    Console.WriteLine($"goal: p99 of last event → dashboard current under {LagGoalSeconds:0} s: {(lagMet ? "met" : "NOT MET")}"
        + $" (every event's lag, the stricter reading: {(all.Length > 0 && Percentile(all, 0.99) < LagGoalSeconds ? "met" : "not met")})");
    Console.WriteLine($"covered: {measured.Count} of {projections.Count} projections ({string.Join(", ", measured.Select(Name))})");
    var problems = stack.Logs.Entries.Count(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    if (problems > 0)
    {
        Console.WriteLine($"{problems} errors logged by the DevHost or worker; first: {stack.Logs.Entries.First(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Message}");
    }

    if (!current || uncoveredTotal > 0)
    {
        Console.Error.WriteLine($"FAILED: not every dashboard became current within {settle.TotalSeconds:0} s of the last event.");
        return 1;
    }

    return 0;
}

static async Task<int> RunSourceAsync(
    BenchStack stack, IProjectionEventSource source, LagTracker tracker, IReadOnlySet<ProjectionKey> measured, Phases phases,
    DateTimeOffset first, TimeSpan interval, DateTimeOffset end, CancellationToken cancellationToken)
{
    using var inFlight = new SemaphoreSlim(InFlightPerSource);
    List<Task> running = [];
    var sequence = 0L;
    for (var due = phases.NextActive(first); due < end; due = phases.NextActive(due + interval))
    {
        var wait = due - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        await inFlight.WaitAsync(cancellationToken);
        var number = sequence++;
        var burst = phases.BurstOf(due);
        running.Add(Task.Run(async () =>
        {
            try
            {
                await source.EmitAsync(number, cancellationToken);
                var at = DateTimeOffset.UtcNow;
                foreach (var key in source.Touches.Where(measured.Contains))
                {
                    // Read after the change: at least its version (another event's, when they overlap: then later, never early).
                    var state = await stack.Projections.GetAsync(key, cancellationToken);
                    tracker.Changed(key, state!.Version, at, burst);
                }
            }
            finally
            {
                inFlight.Release();
            }
        }, cancellationToken));
    }

    await Task.WhenAll(running);
    return running.Count;
}

static string Name(ProjectionKey key) => $"{key.Feature}/{key.Kind}";

static async Task<bool> WaitCurrentAsync(BenchStack stack, ProjectionKey key, TimeSpan patience, CancellationToken cancellationToken)
{
    var deadline = DateTimeOffset.UtcNow + patience;
    while (DateTimeOffset.UtcNow < deadline)
    {
        if (await stack.Projections.GetAsync(key, cancellationToken) is { IsCurrent: true, RefreshPendingUntil: null })
        {
            return true;
        }

        await Task.Delay(100, cancellationToken);
    }

    return false;
}

// Sliding: the most edits whose times lie within any span shorter than the window.
static int MostInWindow(IReadOnlyList<DateTimeOffset> times, TimeSpan window)
{
    var most = 0;
    for (int from = 0, to = 0; to < times.Count; to++)
    {
        while (times[to] - times[from] >= window)
        {
            from++;
        }

        most = Math.Max(most, to - from + 1);
    }

    return most;
}

static double Percentile(double[] sorted, double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

static string Seconds(double[] sorted, double fraction) =>
    sorted.Length == 0 ? "-" : Percentile(sorted, fraction).ToString("0.00", CultureInfo.InvariantCulture) + " s";

/// <summary>Bursts of events and pauses between them, from the run's start; a zero burst is one endless burst.</summary>
internal sealed record Phases(DateTimeOffset Start, TimeSpan Burst, TimeSpan Pause)
{
    private TimeSpan Period => Burst + Pause;

    public int BurstOf(DateTimeOffset at) => Burst <= TimeSpan.Zero ? 0 : (int)((at - Start) / Period);

    /// <summary><paramref name="at"/> if it falls in a burst, else the start of the next burst.</summary>
    public DateTimeOffset NextActive(DateTimeOffset at) =>
        Burst <= TimeSpan.Zero || (at - Start) - Period * BurstOf(at) < Burst ? at : Start + Period * (BurstOf(at) + 1);
}

internal sealed record Arguments(double Rate, TimeSpan Duration, string App, IReadOnlyDictionary<string, string?> Settings)
{
    public TimeSpan Burst { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(6);

    public static bool TryRead(string[] args, out Arguments arguments, out string? problem)
    {
        arguments = new Arguments(1000, TimeSpan.FromMinutes(2), RepositoryPaths.FunctionsBuildOutput, new Dictionary<string, string?>());
        var settings = new Dictionary<string, string?>();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0:
                    arguments = arguments with { Rate = rate };
                    i++;
                    break;
                case "--minutes" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && minutes > 0:
                    arguments = arguments with { Duration = TimeSpan.FromMinutes(minutes) };
                    i++;
                    break;
                case "--burst" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var burst) && burst >= 0:
                    arguments = arguments with { Burst = TimeSpan.FromSeconds(burst) };
                    i++;
                    break;
                case "--pause" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var pause) && pause > 0:
                    arguments = arguments with { Pause = TimeSpan.FromSeconds(pause) };
                    i++;
                    break;
                case "--app" when value is not null:
                    arguments = arguments with { App = Path.GetFullPath(value) };
                    i++;
                    break;
                case "--setting" when value?.Split('=', 2) is [var key, var setting]:
                    settings[key] = setting;
                    i++;
                    break;
                default:
                    problem = $"unknown or incomplete argument '{args[i]}'";
                    return false;
            }
        }

        arguments = arguments with { Settings = settings };
        if (!File.Exists(Path.Combine(arguments.App, "worker.config.json")))
        {
            problem = $"{arguments.App} is not a Functions build output (no worker.config.json): build src/Functions first.";
            return false;
        }

        return true;
    }
}
