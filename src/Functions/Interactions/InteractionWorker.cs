using Serverless.Discord;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain.Commands;
using Serverless.Domain.DeferredWork;

namespace Serverless.Functions.Interactions;

/// <summary>
/// The Functions app's part of deferred work, run by <see cref="DeferredWorkRunner"/> for the <c>interaction-worker</c>
/// queue function: runs the route's handler and edits the "thinking…" answer with its reply.
/// </summary>
public sealed partial class InteractionWorker(
    InteractionRouter router,
    DiscordRestClient discord,
    ILogger<InteractionWorker> logger) : IDeferredWorkHandler
{
    public const string FunctionName = "interaction-worker";
    public const string BindingName = "message";

    public async Task HandleAsync(DeferredCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var reply = await ExecuteAsync(command.Invocation, cancellationToken);

        // A refusal of a click is the clicker's alone: the message others see keeps its state and its buttons.
        if (reply.Ephemeral && command.Invocation.Options.ContainsKey(InteractionRoute.ComponentOption))
        {
            await discord.CreateFollowupMessageAsync(
                command.ApplicationId,
                command.InteractionToken,
                new MessageCreatePayload { Content = reply.Content, Flags = MessageFlags.Ephemeral, AllowedMentions = AllowedMentionsPayload.None },
                cancellationToken);
            return;
        }

        await discord.EditOriginalResponseAsync(
            command.ApplicationId,
            command.InteractionToken,
            new MessageEditPayload { Content = reply.Content, AllowedMentions = AllowedMentionsPayload.None, Components = ReplyButtonRows.From(reply.Buttons) },
            cancellationToken);
    }

    public Task AnswerRefusedAsync(DeferredCommand command, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var clicked = command.Invocation.Options.ContainsKey(InteractionRoute.ComponentOption);
        return discord.AnswerRefusedAsync(command.ApplicationId, command.InteractionToken, message, clicked, cancellationToken);
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
        [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Deferred command {Command} threw ({CorrelationId}, guild {GuildId})")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string command, string correlationId, ulong? guildId);
    }
}
