using Microsoft.Extensions.Logging;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Metadata;

namespace Serverless.DevHost.Timers;

/// <summary>
/// One timer trigger: waits for each occurrence of its schedule on the <see cref="TimeProvider"/> and invokes the
/// function, one invocation at a time. A failed invocation is not retried, and occurrences that come due while an
/// invocation is still running are skipped. Schedule status is kept in memory only, so after a restart the first
/// invocation sees <c>Last</c> as "never" and <c>IsPastDue</c> is always false.
/// </summary>
internal sealed partial class TimerListener
{
    /// <summary>Delays are cut into pieces no longer than this, so a yearly schedule still waits correctly.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    private readonly FunctionDefinition _function;
    private readonly TimerTrigger _trigger;
    private readonly IFunctionInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TimerListener(FunctionDefinition function, IFunctionInvoker invoker, TimeProvider timeProvider, ILogger logger)
    {
        _function = function;
        _trigger = (TimerTrigger)function.Trigger;
        _invoker = invoker;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_trigger.Schedule.GetNextOccurrence(now) is not { } first)
            {
                Log.NeverFires(_logger, _function.Name, _trigger.Schedule.Expression);
                return;
            }

            // The status the host starts with when it has none stored: never run, next due at the first occurrence.
            var status = new TimerScheduleStatus(null, first, null);
            Log.Scheduled(_logger, _function.Name, _trigger.Schedule.Expression, first);

            if (_trigger.RunOnStartup)
            {
                var startedAt = _timeProvider.GetUtcNow();
                await InvokeAsync(status, cancellationToken);
                status = NextStatus(startedAt, startedAt);
            }

            while (status is not null)
            {
                await DelayUntilAsync(status.Next, cancellationToken);
                var firedAt = _timeProvider.GetUtcNow();
                await InvokeAsync(status, cancellationToken);

                // As the host does, count the run as the scheduled occurrence even if the clock fired a little early.
                var ranFor = firedAt > status.Next ? firedAt : status.Next;
                status = NextStatus(ranFor, ranFor);
            }

            Log.NeverFires(_logger, _function.Name, _trigger.Schedule.Expression);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The status after a run; occurrences that passed while the run was going on are skipped.</summary>
    private TimerScheduleStatus? NextStatus(DateTimeOffset last, DateTimeOffset lastUpdated)
    {
        var next = _trigger.Schedule.GetNextOccurrence(last);
        var now = _timeProvider.GetUtcNow();
        if (next is { } due && due <= now)
        {
            Log.Skipped(_logger, _function.Name, due);
            next = _trigger.Schedule.GetNextOccurrence(now);
        }

        return next is { } value ? new TimerScheduleStatus(last, value, lastUpdated) : null;
    }

    private async Task InvokeAsync(TimerScheduleStatus status, CancellationToken cancellationToken)
    {
        var input = TriggerInputs.Timer(_trigger, _trigger.UseMonitor ? status : null, isPastDue: false);

        // Timers are not retried: a failure is logged by the invoker, and the schedule goes on.
        try
        {
            await _invoker.InvokeAsync(_function.Name, input, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.InvokeFailed(_logger, _function.Name, exception.Message);
        }
    }

    private async Task DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (true)
        {
            var remaining = due - _timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(remaining < MaxDelay ? remaining : MaxDelay, _timeProvider, cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "{FunctionName}: timer '{Schedule}' (UTC), next occurrence {Next:O}")]
        public static partial void Scheduled(ILogger logger, string functionName, string schedule, DateTimeOffset next);

        [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "{FunctionName}: the occurrence at {Due:O} passed while the previous run was still going; skipped")]
        public static partial void Skipped(ILogger logger, string functionName, DateTimeOffset due);

        [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "{FunctionName}: timer '{Schedule}' has no further occurrence")]
        public static partial void NeverFires(ILogger logger, string functionName, string schedule);

        [LoggerMessage(EventId = 603, Level = LogLevel.Error, Message = "{FunctionName}: the invocation failed: {Error}")]
        public static partial void InvokeFailed(ILogger logger, string functionName, string error);
    }
}
