using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Functions.Hosting;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Interactions;

/// <summary>
/// The <c>interaction-worker</c> queue function: runs a deferred command and edits the "thinking…"
/// answer with its reply. Safe to run twice for one message: a finished interaction is skipped.
/// </summary>
public sealed partial class InteractionWorker(
    InteractionRouter router,
    IInteractionLedger ledger,
    DiscordRestClient discord,
    IOptions<InteractionOptions> options,
    TimeProvider timeProvider,
    ILogger<InteractionWorker> logger)
{
    public const string FunctionName = "interaction-worker";
    public const string BindingName = "message";

    public async Task<QueueWorkOutcome> RunAsync(string messageText, CancellationToken cancellationToken)
    {
        if (!InteractionMessageCodec.TryDecode(messageText, out var work, out var problem))
        {
            // Checked only when the message is not an interaction, so answering users costs nothing more.
            if (SmokeProbeMessage.TryRead(messageText, out var probeId))
            {
                Log.SmokeProbe(logger, probeId!);
                return QueueWorkOutcome.Completed;
            }

            // Retrying cannot fix it: after maxDequeueCount tries the host parks it in interactions-poison.
            Log.Unreadable(logger, problem!);
            return QueueWorkOutcome.Retry("unreadable message, refused for the poison queue (event 2001)");
        }

        var invocation = work!.Invocation;
        var age = timeProvider.GetUtcNow() - Snowflake.CreatedAt(work.InteractionId);
        if (age > options.Value.DeferredWorkDeadline)
        {
            Log.TooLate(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId, age.TotalMinutes);
            return QueueWorkOutcome.Skipped;
        }

        try
        {
            if (await ledger.IsCompletedAsync(work.InteractionId, cancellationToken))
            {
                Log.AlreadyDone(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
                return QueueWorkOutcome.Skipped;
            }

            var reply = await ExecuteAsync(invocation, cancellationToken);
            await discord.EditOriginalResponseAsync(
                work.ApplicationId,
                work.InteractionToken,
                new MessageEditPayload { Content = reply.Content, AllowedMentions = AllowedMentionsPayload.None },
                cancellationToken);
            await ledger.MarkCompletedAsync(work.InteractionId, invocation.CommandName, cancellationToken);
        }
        catch (DiscordApiException exception) when (exception.IsInteractionGone)
        {
            Log.InteractionGone(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId, exception.ErrorCode);
            return QueueWorkOutcome.Skipped;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, exception, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
            return QueueWorkOutcome.Retry($"{invocation.CommandName} ({invocation.CorrelationId}) threw {exception.GetType().Name}");
        }

        Log.Answered(logger, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
        return QueueWorkOutcome.Completed;
    }

    /// <summary>What the worker answers work the companion should have run: only if it was queued to the wrong process.</summary>
    public const string NotHandledHere = "This is done by the bot's voice service, which didn't get it. Please try again in a moment.";

    /// <summary>
    /// Runs the work through the route that owns it, as the endpoint found it: a form, a click or a command. A failing
    /// command still ends the "thinking…" state with an answer the user can report.
    /// </summary>
    private async Task<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        var route = router.FindQueued(invocation);

        // A form the endpoint could not finish in time goes back to the handler that opened it. Its failure (storage
        // still down, say) is retried through the queue rather than answered: what was typed is only in the message,
        // and the handler stores it once however often it runs.
        if (ModalSubmission.FromInvocation(invocation) is { } submission)
        {
            return route is not null && router.ModalHandler(route) is { } handler
                ? await handler.SubmitAsync(submission, cancellationToken)
                : new CommandReply("This form is no longer in use.", Ephemeral: true);
        }

        if (route is null)
        {
            return new CommandReply($"The command `/{invocation.CommandName}` no longer exists. `/help` lists the ones I have.", Ephemeral: true);
        }

        // The companion's work has no handler here; an inline answer may be ephemeral, and this concerns only the user.
        if (router.CommandHandler(route) is not { } command)
        {
            return new CommandReply(NotHandledHere, Ephemeral: true);
        }

        try
        {
            return await command.ExecuteAsync(invocation, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.CommandFailed(logger, exception, invocation.CommandName, invocation.CorrelationId, invocation.GuildId);
            return new CommandReply($"Something went wrong running `/{invocation.CommandName}`. It has been logged (reference `{invocation.CorrelationId}`).", Ephemeral: true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Interaction message refused, it will end in the poison queue: {Problem}")]
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

        [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Smoke probe {CorrelationId} taken off the queue; nothing to run")]
        public static partial void SmokeProbe(ILogger logger, string correlationId);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Deferred command {Command} threw ({CorrelationId}, guild {GuildId})")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string command, string correlationId, ulong? guildId);
    }
}
