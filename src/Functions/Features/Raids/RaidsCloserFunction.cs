using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Features.Raids;

/// <summary>
/// The <c>raids-closer</c> timer, every minute (UTC): ends every raid whose time is up. Works from "now", so a late,
/// missed or doubled run does the same work; a failed run throws so the host records it failed.
/// </summary>
public sealed partial class RaidsCloserFunction(RaidCloser closer, ILogger<RaidsCloserFunction> logger)
{
    public const string FunctionName = "raids-closer";
    public const string Schedule = "0 * * * * *";

    [Function(FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = true)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        Activity.Current?.SetTag(TelemetryDimensions.Feature, RaidsFeature.FeatureName);
        var runId = Guid.CreateVersion7().ToString("N");
        try
        {
            var closed = await closer.CloseOverdueAsync(runId, cancellationToken);
            Log.RunFinished(logger, FunctionName, runId, closed, timerInfo.IsPastDue);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RunFailed(logger, exception, FunctionName, runId);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6320, Level = LogLevel.Information, Message = "{Timer} run {RunId} closed {Closed} raids (past due {PastDue})")]
        public static partial void RunFinished(ILogger logger, string timer, string runId, int closed, bool pastDue);

        [LoggerMessage(EventId = 6321, Level = LogLevel.Error, Message = "{Timer} run {RunId} failed; the next run closes what this one left")]
        public static partial void RunFailed(ILogger logger, Exception exception, string timer, string runId);
    }
}
