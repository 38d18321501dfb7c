using System.Diagnostics;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Features.Oracle;

/// <summary>
/// The <c>oracle-publisher</c> timer's work: publishes every guild's weekly prompt whose slot has passed and is not out
/// yet (<see cref="OraclePublisher"/>, idempotent per guild and week). A run with a guild that failed is recorded as
/// failed; the next run tries that guild again.
/// </summary>
public sealed partial class OraclePublisherTimer(OraclePublisher publisher, TimeProvider timeProvider, ILogger<OraclePublisherTimer> logger)
{
    public const string FunctionName = "oracle-publisher";

    public async Task<QueueWorkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag(TelemetryDimensions.Feature, OracleFeature.FeatureName);
        var runId = Guid.CreateVersion7().ToString("N");
        var started = timeProvider.GetTimestamp();
        try
        {
            var run = await publisher.RunAsync(runId, cancellationToken);
            var duration = timeProvider.GetElapsedTime(started);
            Log.RunFinished(logger, FunctionName, runId, duration.TotalMilliseconds, run.Guilds, run.Published, run.Failed);
            return run.Failed == 0 ? QueueWorkOutcome.Completed : QueueWorkOutcome.Retry($"run {runId}: {run.Failed} guild(s) failed");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var duration = timeProvider.GetElapsedTime(started);
            Log.RunFailed(logger, exception, FunctionName, runId, duration.TotalMilliseconds);
            return QueueWorkOutcome.Retry($"run {runId} threw {exception.GetType().Name}");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6460, Level = LogLevel.Information, Message = "{Timer} run {RunId} finished in {DurationMs} ms: {Guilds} guilds set up, {Published} prompts placed, {Failed} failed")]
        public static partial void RunFinished(ILogger logger, string timer, string runId, double durationMs, int guilds, int published, int failed);

        [LoggerMessage(EventId = 6461, Level = LogLevel.Error, Message = "{Timer} run {RunId} failed after {DurationMs} ms")]
        public static partial void RunFailed(ILogger logger, Exception exception, string timer, string runId, double durationMs);
    }
}
