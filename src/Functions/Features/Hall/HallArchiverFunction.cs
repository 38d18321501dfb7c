using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.Hall;

/// <summary>
/// The <c>hall-archiver</c> timer, every 15 minutes (UTC), so guilds in zones with :30 and :45 offsets get their month
/// end on time. Each run works from "now"; a run with failures throws so the host records it failed.
/// </summary>
public sealed class HallArchiverFunction(HallArchiver archiver)
{
    public const string Schedule = "0 */15 * * * *";

    [Function(HallArchiver.FunctionName)]
    public async Task RunAsync([TimerTrigger(Schedule, UseMonitor = true)] TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timerInfo);
        var outcome = await archiver.RunAsync(cancellationToken);
        outcome.ThrowIfRetry(HallArchiver.FunctionName);
    }
}
