using Microsoft.Extensions.Options;
using Serverless.Domain.Housekeeping;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Features.Housekeeping;

/// <summary>
/// The <c>housekeeping</c> timer (hourly): deletes ledger, rate-limit and finished scheduled-post rows older than
/// their retention. The sweeps take turns a page at a time until all are done or the time budget is spent, so one
/// big table cannot starve the others; the rest waits for the next run. Every page is idempotent, so overlapping or
/// repeated runs only find less to do. A sweep that fails is logged and leaves the others running.
/// </summary>
public sealed partial class HousekeepingTimer(
    IRetentionStore store,
    IOptions<HousekeepingOptions> options,
    TimeProvider timeProvider,
    ILogger<HousekeepingTimer> logger)
{
    public const string FunctionName = "housekeeping";

    public async Task<QueueWorkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var runId = Guid.CreateVersion7().ToString("N");
        var now = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();
        Log.RunStarted(logger, FunctionName, runId, now);

        Sweep[] sweeps =
        [
            new("interactionruns", now - settings.InteractionRunsRetention, store.SweepInteractionRunsAsync),
            new("ratelimits", now - settings.RateLimitsRetention, store.SweepRateLimitsAsync),
            new("scheduledposts", now - settings.FinishedPostsRetention, store.SweepFinishedPostsAsync),
            new("commandlimits", now - settings.CommandLimitsRetention, store.SweepCommandLimitsAsync),
        ];

        while (sweeps.Any(sweep => !sweep.Done) && timeProvider.GetElapsedTime(started) < settings.TimeBudget)
        {
            foreach (var sweep in sweeps.Where(sweep => !sweep.Done))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var page = await sweep.Run(sweep.Cutoff, settings.PageSize, sweep.Continuation, cancellationToken);
                    sweep.Examined += page.Examined;
                    sweep.Deleted += page.Deleted;
                    sweep.Continuation = page.Continuation;
                    sweep.Done = page.Continuation is null;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    sweep.Failed = sweep.Done = true;
                    Log.SweepFailed(logger, exception, FunctionName, runId, sweep.Table);
                }
            }
        }

        var duration = timeProvider.GetElapsedTime(started).TotalMilliseconds;
        var complete = sweeps.All(sweep => sweep.Done && !sweep.Failed);
        var examined = sweeps.Sum(sweep => sweep.Examined);
        Log.RunFinished(logger, FunctionName, runId, duration, sweeps[0].Deleted, sweeps[1].Deleted, sweeps[2].Deleted, sweeps[3].Deleted, examined, complete);
        var failed = sweeps.Where(sweep => sweep.Failed).Select(sweep => sweep.Table).ToList();
        return failed.Count == 0 ? QueueWorkOutcome.Completed : QueueWorkOutcome.Retry($"run {runId}: the {string.Join(", ", failed)} sweep failed");
    }

    private sealed class Sweep(string table, DateTimeOffset cutoff, Func<DateTimeOffset, int, string?, CancellationToken, Task<SweepPage>> run)
    {
        public string Table { get; } = table;

        public DateTimeOffset Cutoff { get; } = cutoff;

        public Func<DateTimeOffset, int, string?, CancellationToken, Task<SweepPage>> Run { get; } = run;

        public string? Continuation { get; set; }

        public int Examined { get; set; }

        public int Deleted { get; set; }

        public bool Done { get; set; }

        public bool Failed { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "{Timer} run {RunId} started at {Now}")]
        public static partial void RunStarted(ILogger logger, string timer, string runId, DateTimeOffset now);

        [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "{Timer} run {RunId} finished in {DurationMs} ms: deleted {InteractionRuns} interactionruns, {RateLimits} ratelimits, {ScheduledPosts} scheduledposts, {CommandLimits} commandlimits rows of {Examined} examined; complete {Complete}")]
        public static partial void RunFinished(ILogger logger, string timer, string runId, double durationMs, int interactionRuns, int rateLimits, int scheduledPosts, int commandLimits, int examined, bool complete);

        [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "{Timer} run {RunId}: the {Table} sweep failed; the next run tries again")]
        public static partial void SweepFailed(ILogger logger, Exception exception, string timer, string runId, string table);
    }
}
