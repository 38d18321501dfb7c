using System.Diagnostics;
using Microsoft.Extensions.Options;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The <c>scheduled-posts-due</c> timer (every minute): claims every occurrence that is due, or whose claim ran
/// out, and puts one <c>posts</c> message per claim. Overlapping runs are safe: a claim is an ETag-guarded write.
/// </summary>
public sealed partial class DuePostsTimer(
    IScheduledPostStore store,
    IPostPublishQueue queue,
    IOptions<ScheduledPostOptions> options,
    TimeProvider timeProvider,
    ILogger<DuePostsTimer> logger)
{
    public const string FunctionName = "scheduled-posts-due";

    /// <summary>The <see cref="TelemetryDimensions.Feature"/> of the timer's and the publisher's telemetry.</summary>
    public const string Feature = "scheduled-posts";

    public async Task<QueueWorkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        // The host starts a new trace for each timer run; this says whose it is, like the commands' spans do.
        Activity.Current?.SetTag(TelemetryDimensions.Feature, Feature);
        var runId = Guid.CreateVersion7().ToString("N");
        var now = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();
        Log.RunStarted(logger, FunctionName, runId, now);
        var enqueueErrors = 0;
        try
        {
            var run = await store.ClaimDueAsync(now, options.Value.Lease, async (claim, ct) =>
            {
                try
                {
                    await queue.EnqueueAsync(claim, Guid.CreateVersion7().ToString("N"), ct);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The claim's lease runs out and a later run claims it again: nothing is lost.
                    Interlocked.Increment(ref enqueueErrors);
                    Log.EnqueueFailed(logger, FunctionName, runId, claim.GuildId, claim.PostId, exception.GetType().Name);
                }
            }, cancellationToken);

            var duration = timeProvider.GetElapsedTime(started);
            Log.RunFinished(logger, FunctionName, runId, duration.TotalMilliseconds, run.Claimed - enqueueErrors, run.SkippedLeased, run.LostRaces, enqueueErrors);
            return QueueWorkOutcome.Completed;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RunFailed(logger, exception, FunctionName, runId, timeProvider.GetElapsedTime(started).TotalMilliseconds);
            return QueueWorkOutcome.Retry($"run {runId} threw {exception.GetType().Name}");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Timer} run {RunId} started at {Now}")]
        public static partial void RunStarted(ILogger logger, string timer, string runId, DateTimeOffset now);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Timer} run {RunId} finished in {DurationMs} ms: claimed {Claimed}, still leased {Leased}, lost races {LostRaces}, errors {Errors}")]
        public static partial void RunFinished(ILogger logger, string timer, string runId, double durationMs, int claimed, int leased, int lostRaces, int errors);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "{Timer} run {RunId} failed after {DurationMs} ms")]
        public static partial void RunFailed(ILogger logger, Exception exception, string timer, string runId, double durationMs);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Timer} run {RunId}: could not enqueue post {PostId} of guild {GuildId} ({ErrorType}); it is claimed again when its lease ends")]
        public static partial void EnqueueFailed(ILogger logger, string timer, string runId, ulong guildId, string postId, string errorType);
    }
}
