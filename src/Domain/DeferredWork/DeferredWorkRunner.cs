using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.Telemetry;

namespace Serverless.Domain.DeferredWork;

/// <summary>
/// The one set of rules for deferred work, whichever process runs it: read the message, drop it when its interaction is
/// older than <see cref="DeferredWorkOptions.Deadline"/> (measured from the interaction id's timestamp), skip it when
/// the ledger says it is done, run the host's <see cref="IDeferredWorkHandler"/>, mark it done. Safe to run twice for one
/// message. The queue adapter acts on the returned <see cref="DeferredWorkOutcome"/>.
/// Each run is a Consumer span "process {queue}" under the trace the message carried (<see cref="QueueActivities"/>)
/// and a sample of <see cref="DeferredWorkMetrics"/>.
/// </summary>
public sealed partial class DeferredWorkRunner(
    IDeferredCommandDecoder decoder,
    IInteractionLedger ledger,
    IOptions<DeferredWorkOptions> options,
    TimeProvider timeProvider,
    ILogger<DeferredWorkRunner> logger,
    DeferredWorkMetrics metrics,
    FeatureCatalog? catalog = null,
    OperatorControlGate? gate = null)
{
    /// <param name="queue">The queue the message came from (<c>interactions</c>, <c>voice</c>): the span's and the metrics' name for it.</param>
    public async Task<DeferredWorkOutcome> RunAsync(string queue, string messageText, IDeferredWorkHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        var started = timeProvider.GetTimestamp();
        if (!decoder.TryDecode(messageText, out var work, out var problem))
        {
            using var unread = QueueActivities.StartProcess(queue, QueuedTraceContext.None);

            // Looked at only when the message is not an interaction, so answering users costs nothing more.
            if (decoder.IsSmokeProbe(messageText, out var probeId))
            {
                Log.SmokeProbe(logger, probeId!);
                return DeferredWorkOutcome.Completed;
            }

            // No delivery can fix it: parked at once where operators look, verbatim.
            Log.Unreadable(logger, problem!);
            unread?.SetStatus(ActivityStatusCode.Error, "unreadable message");
            metrics.RecordDuration(queue, InteractionLabels.Unknown, DeferredWorkResult.Poison, timeProvider.GetElapsedTime(started));
            return DeferredWorkOutcome.Poison("unreadable message (event 2001)");
        }

        var invocation = work!.Invocation;
        var (command, feature) = InteractionLabels.Of(invocation, catalog);
        using var activity = QueueActivities.StartProcess(queue, work.Trace);
        QueueActivities.SetDimensions(activity, invocation.CorrelationId, invocation.GuildId, command, feature);

        // Every line logged while the work runs, the handler's included, names the interaction it belongs to.
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [TelemetryDimensions.CorrelationId] = invocation.CorrelationId,
            [TelemetryDimensions.GuildId] = invocation.GuildId,
            [TelemetryDimensions.Command] = command,
            [TelemetryDimensions.Feature] = feature,
        });
        var age = timeProvider.GetUtcNow() - Snowflake.CreatedAt(work.InteractionId);
        metrics.RecordAge(queue, command, age);
        var outcome = await RunAsync(work, invocation, age, handler, cancellationToken);
        if (outcome.Result == DeferredWorkResult.Retry)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "failed; retried");
        }

        metrics.RecordDuration(queue, command, outcome.Result, timeProvider.GetElapsedTime(started));
        return outcome;
    }

    private async Task<DeferredWorkOutcome> RunAsync(DeferredCommand work, CommandInvocation invocation, TimeSpan age, IDeferredWorkHandler handler, CancellationToken cancellationToken)
    {
        if (age > options.Value.Deadline)
        {
            Log.TooLate(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId, age.TotalMinutes);
            return DeferredWorkOutcome.Skipped;
        }

        try
        {
            if (await ledger.IsCompletedAsync(work.InteractionId, cancellationToken))
            {
                Log.AlreadyDone(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
                return DeferredWorkOutcome.Skipped;
            }

            // A feature turned off or a guild blocked after the work was queued: answered, not run.
            if (await CheckGateAsync(invocation, cancellationToken) is { Allowed: false } refused)
            {
                await handler.AnswerRefusedAsync(work, refused.Message!, cancellationToken);
                await ledger.MarkCompletedAsync(work.InteractionId, invocation.CommandName, cancellationToken);
                Log.Refused(logger, invocation.CommandName, refused.ReasonCode, invocation.CorrelationId, invocation.GuildId);
                return DeferredWorkOutcome.Skipped;
            }

            await handler.HandleAsync(work, cancellationToken);
            await ledger.MarkCompletedAsync(work.InteractionId, invocation.CommandName, cancellationToken);
        }
        catch (Exception exception) when (exception is IInteractionGoneError { IsInteractionGone: true } gone)
        {
            Log.InteractionGone(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId, gone.ErrorCode);
            return DeferredWorkOutcome.Skipped;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Shutting down is not a failure: the message comes back after its visibility timeout.
            Log.Failed(logger, exception, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
            return DeferredWorkOutcome.Retry($"{invocation.CommandName} ({invocation.CorrelationId}) threw {exception.GetType().Name}");
        }

        Log.Answered(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
        return DeferredWorkOutcome.Completed;
    }

    private ValueTask<GateDecision> CheckGateAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        if (gate is null)
        {
            return ValueTask.FromResult(GateDecision.Allow);
        }

        var route = catalog?.FindQueued(invocation);
        var kind = route?.Kind ?? RouteKind.Command;
        var commandPath = kind == RouteKind.Command ? InteractionLabels.CommandPath(invocation.CommandName, invocation.Options) : null;
        return gate.CheckQueuedAsync(route?.Feature ?? invocation.CommandName, commandPath, kind, invocation.GuildId, cancellationToken);
    }

    // Ids 2001–2006, 2008 and 2009 are the runner's in every process that runs it; the runbook lists them.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Deferred work message refused, moved to the poison queue: {Problem}")]
        public static partial void Unreadable(ILogger logger, string problem);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Dropped {Command}: its interaction token is {AgeMinutes:0.0} minutes old ({CorrelationId}, guild {GuildId})")]
        public static partial void TooLate(ILogger logger, string command, string correlationId, ulong? guildId, double ageMinutes);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Skipped {Command}: already answered ({CorrelationId}, guild {GuildId})")]
        public static partial void AlreadyDone(ILogger logger, string command, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Dropped {Command}: Discord no longer knows the interaction, code {ErrorCode} ({CorrelationId}, guild {GuildId})")]
        public static partial void InteractionGone(ILogger logger, string command, string correlationId, ulong? guildId, int? errorCode);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Deferred {Command} failed and will be retried ({CorrelationId}, guild {GuildId})")]
        public static partial void Failed(ILogger logger, Exception exception, string command, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Answered deferred {Command} ({CorrelationId}, guild {GuildId})")]
        public static partial void Answered(ILogger logger, string command, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Answered {Command} without running it: operator controls say {Reason} ({CorrelationId}, guild {GuildId})")]
        public static partial void Refused(ILogger logger, string command, string reason, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Smoke probe {CorrelationId} taken off the queue; nothing to run")]
        public static partial void SmokeProbe(ILogger logger, string correlationId);
    }
}
