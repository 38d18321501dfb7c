using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The <c>scheduled-posts-due</c> timer, every minute (UTC). Each run works from "now", so a late, missed or doubled
/// run does the same work; a failed run throws so the host records it failed (timers are not retried).
/// </summary>
public sealed partial class DuePostsFunction(DuePostsTimer timer, ILogger<DuePostsFunction> logger)
{
    public const string Schedule = "0 * * * * *";

    [Function(DuePostsTimer.FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = true)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        if (timerInfo.IsPastDue)
        {
            Log.PastDue(logger, DuePostsTimer.FunctionName);
        }

        var outcome = await timer.RunAsync(cancellationToken);
        outcome.ThrowIfRetry(DuePostsTimer.FunctionName);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Timer} is past due; this run catches up")]
        public static partial void PastDue(ILogger logger, string timer);
    }
}
