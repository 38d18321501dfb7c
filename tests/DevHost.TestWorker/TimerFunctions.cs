using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.TestWorker;

public sealed class TimerFunctions(ILogger<TimerFunctions> logger)
{
    /// <summary>Records the TimerInfo the host sent; hourly, so only the tests' clock or RunTimerNowAsync fires it.</summary>
    [Function("timer-record")]
    public void Record([TimerTrigger("0 0 * * * *")] TimerInfo timer, FunctionContext context)
    {
        logger.LogInformation("timer fired, past due {IsPastDue}", timer.IsPastDue);
        Recorder.Write("timer-" + context.InvocationId, new
        {
            timer.IsPastDue,
            HasScheduleStatus = timer.ScheduleStatus is not null,
            Last = timer.ScheduleStatus?.Last,
            Next = timer.ScheduleStatus?.Next,
            LastUpdated = timer.ScheduleStatus?.LastUpdated,
            context.TraceContext.TraceParent,
        });
    }
}
