namespace Serverless.Functions.Hosting;

/// <summary>
/// Adapts the host's timer invocation (<c>POST /{function}</c>) to a handler. The timer's payload (schedule status,
/// past-due flag) is not needed: every run works from "now", so a late or doubled run does the same work.
/// </summary>
public static class TimerTriggerEndpoint
{
    public delegate Task<QueueWorkOutcome> TimerHandler(IServiceProvider services, CancellationToken cancellationToken);

    public static IEndpointRouteBuilder MapTimerFunction(this IEndpointRouteBuilder endpoints, string functionName, TimerHandler handler)
    {
        endpoints.MapPost("/" + functionName, async context =>
        {
            // Timers are not retried by the host; a failure status only marks the run failed in its logs.
            await QueueTriggerEndpoint.WriteOutcomeAsync(context, await handler(context.RequestServices, context.RequestAborted));
        });
        return endpoints;
    }
}
