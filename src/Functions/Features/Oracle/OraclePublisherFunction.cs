using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.Oracle;

/// <summary>
/// The <c>oracle-publisher</c> timer, every 15 minutes (UTC), so guilds in :30 and :45 offset zones are served on
/// their hour too. Each run works from "now": a late, missed or doubled run does the same work.
/// </summary>
public sealed partial class OraclePublisherFunction(OraclePublisherTimer timer, ILogger<OraclePublisherFunction> logger)
{
    public const string Schedule = "0 */15 * * * *";

    [Function(OraclePublisherTimer.FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = true)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        if (timerInfo.IsPastDue)
        {
            Log.PastDue(logger, OraclePublisherTimer.FunctionName);
        }

        var outcome = await timer.RunAsync(cancellationToken);
        outcome.ThrowIfRetry(OraclePublisherTimer.FunctionName);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6462, Level = LogLevel.Information, Message = "{Timer} is past due; this run catches up")]
        public static partial void PastDue(ILogger logger, string timer);
    }
}
