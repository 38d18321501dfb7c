using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.Housekeeping;

/// <summary>
/// The <c>housekeeping</c> timer, hourly at minute 17 (UTC, off the hour when everything else runs). A run with a
/// failed sweep throws so the host records it failed; timers are not retried, the next run sweeps again.
/// </summary>
public sealed partial class HousekeepingFunction(HousekeepingTimer timer, ILogger<HousekeepingFunction> logger)
{
    public const string Schedule = "0 17 * * * *";

    [Function(HousekeepingTimer.FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = true)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        if (timerInfo.IsPastDue)
        {
            Log.PastDue(logger, HousekeepingTimer.FunctionName);
        }

        var outcome = await timer.RunAsync(cancellationToken);
        outcome.ThrowIfRetry(HousekeepingTimer.FunctionName);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "{Timer} is past due; this run catches up")]
        public static partial void PastDue(ILogger logger, string timer);
    }
}
