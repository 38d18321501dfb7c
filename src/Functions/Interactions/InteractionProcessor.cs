using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Discord;
using Serverless.Discord.Interactions;
using Serverless.Discord.Json;
using Serverless.Domain.Commands;
using Serverless.Domain.Controls;
using Serverless.Domain.Telemetry;

namespace Serverless.Functions.Interactions;

/// <summary>
/// Turns one raw interaction request into its answer: verify first, then parse, then route.
/// Knows nothing of ASP.NET Core so that the whole path can be benchmarked in-process.
/// Tags the current span (the worker's invocation) with the interaction's <see cref="TelemetryDimensions"/> and records
/// <see cref="InteractionMetrics"/>; with no listener and no exporter neither costs an allocation.
/// </summary>
public sealed partial class InteractionProcessor(
    InteractionSignatureVerifier verifier,
    InteractionRouter router,
    IDeferredCommandQueue deferredQueue,
    IOptions<InteractionOptions> options,
    TimeProvider timeProvider,
    ILogger<InteractionProcessor> logger,
    InteractionMetrics metrics,
    OperatorControlGate? gate = null)
{
    /// <summary>The span tag naming the interaction's type (ping, command, component, modal, autocomplete).</summary>
    public const string InteractionTypeTag = "discord.interaction_type";

    /// <summary>The command dimension of an interaction that names none (a PING).</summary>
    public const string NoCommand = "-";

    private static readonly byte[] AutocompleteNoChoices = Serialize(new InteractionResponsePayload
    {
        Type = InteractionCallbackType.ApplicationCommandAutocompleteResult,
        Data = new InteractionCallbackDataPayload { Choices = [] },
    });

    private static readonly byte[] DeferredEphemeral = Serialize(InteractionResponses.Deferred(ephemeral: true));
    private static readonly byte[] DeferredPublic = Serialize(InteractionResponses.Deferred(ephemeral: false));
    private static readonly byte[] DeferredUpdate = Serialize(InteractionResponses.DeferredUpdate());

    private static readonly CommandReply NoLongerInUse = new("This button or form is no longer in use.", Ephemeral: true);

    private readonly int _maxBodyBytes = options.Value.MaxBodyBytes;
    /// <summary>Discord's 3 seconds to the first answer, less room for the way back.</summary>
    private static readonly TimeSpan AnswerBudget = TimeSpan.FromSeconds(2.5);

    private readonly TimeSpan _enqueueTimeout = options.Value.EnqueueTimeout;
    private readonly TimeSpan _formInlineTimeout = options.Value.FormInlineTimeout;

    public async ValueTask<InteractionHttpResponse> ProcessAsync(
        string? signatureHex,
        string? timestamp,
        long? contentLength,
        Stream body,
        CancellationToken cancellationToken)
    {
        var receivedAt = timeProvider.GetTimestamp();

        // Filled in on the way only when the duration is recorded: nothing allocated otherwise.
        var labels = metrics.Enabled ? new RequestLabels() : null;
        var response = await ProcessAsync(signatureHex, timestamp, contentLength, body, receivedAt, labels, cancellationToken);
        if (labels is not null)
        {
            metrics.RecordDuration(labels.Command, labels.Type, labels.Outcome ?? OutcomeOf(response), timeProvider.GetElapsedTime(receivedAt));
        }

        return response;
    }

    private async ValueTask<InteractionHttpResponse> ProcessAsync(
        string? signatureHex,
        string? timestamp,
        long? contentLength,
        Stream body,
        long receivedAt,
        RequestLabels? labels,
        CancellationToken cancellationToken)
    {
        var headers = verifier.CheckHeaders(signatureHex, timestamp);
        if (headers != SignatureCheck.Valid)
        {
            Log.SignatureRejected(logger, headers);
            return InteractionHttpResponse.Unauthorized;
        }

        if (contentLength > _maxBodyBytes)
        {
            Log.BodyTooLarge(logger, contentLength.Value, _maxBodyBytes);
            return InteractionHttpResponse.TooLarge;
        }

        // The signed data is the timestamp followed by the body: read the body in right behind the
        // timestamp's bytes so that verification needs no second copy.
        var prefixLength = timestamp!.Length;
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength + (int)Math.Min(contentLength ?? 4096, _maxBodyBytes) + 1);
        var buffer = rented;
        try
        {
            Encoding.ASCII.GetBytes(timestamp, rented);
            (buffer, var length, var tooLarge) = await ReadBodyAsync(body, rented, prefixLength, cancellationToken);
            if (tooLarge)
            {
                Log.BodyTooLarge(logger, length, _maxBodyBytes);
                return InteractionHttpResponse.TooLarge;
            }

            if (!verifier.VerifySignature(signatureHex!, buffer.AsSpan(0, prefixLength + length)))
            {
                Log.SignatureRejected(logger, SignatureCheck.BadSignature);
                return InteractionHttpResponse.Unauthorized;
            }

            InteractionPayload? interaction;
            try
            {
                interaction = JsonSerializer.Deserialize(buffer.AsSpan(prefixLength, length), DiscordJsonContext.Default.InteractionPayload);
            }
            catch (JsonException)
            {
                interaction = null;
            }

            if (interaction is null)
            {
                Log.InvalidJson(logger);
                return InteractionHttpResponse.InvalidJson;
            }

            return await DispatchAsync(interaction, receivedAt, labels, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!ReferenceEquals(buffer, rented))
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Reads the body in after <paramref name="offset"/> bytes of <paramref name="rented"/>, growing into larger
    /// pooled buffers up to the limit; a body that does not fit is refused, not truncated. The caller keeps
    /// ownership of <paramref name="rented"/> and returns the buffer this gives back.
    /// A method of its own rather than a local function so the per-request state needs no closure.
    /// </summary>
    private async ValueTask<(byte[] Buffer, int Length, bool TooLarge)> ReadBodyAsync(Stream source, byte[] rented, int offset, CancellationToken cancellationToken)
    {
        var buffer = rented;
        var length = 0;
        try
        {
            while (true)
            {
                if (offset + length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, offset + _maxBodyBytes + 1));
                    buffer.AsSpan(0, offset + length).CopyTo(larger);
                    if (!ReferenceEquals(buffer, rented))
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    buffer = larger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(offset + length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length, false);
                }

                length += read;
                if (length > _maxBodyBytes)
                {
                    return (buffer, length, true);
                }
            }
        }
        catch when (!ReferenceEquals(buffer, rented))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async ValueTask<InteractionHttpResponse> DispatchAsync(InteractionPayload interaction, long receivedAt, RequestLabels? labels, CancellationToken cancellationToken)
    {
        var type = TypeName(interaction.Type);
        labels?.Type = type;
        Activity.Current?.SetTag(InteractionTypeTag, type);
        switch (interaction.Type)
        {
            case InteractionType.Ping:
                labels?.Command = NoCommand;
                return InteractionHttpResponse.Pong;
            case InteractionType.ApplicationCommand:
                return await RunCommandAsync(interaction, receivedAt, labels, cancellationToken);
            case InteractionType.ApplicationCommandAutocomplete:
                if (labels is not null || Activity.Current is not null)
                {
                    var command = interaction.Data?.Name is { Length: > 0 } name && router.Find(RouteKind.Command, name) is { } owner ? owner.Key : InteractionLabels.Unknown;
                    labels?.Command = command;
                    Activity.Current?.SetTag(TelemetryDimensions.Command, command);
                }

                return InteractionHttpResponse.Ok(AutocompleteNoChoices);
            case InteractionType.MessageComponent:
                return await UseComponentAsync(interaction, receivedAt, labels, cancellationToken);
            case InteractionType.ModalSubmit:
                return await SubmitModalAsync(interaction, receivedAt, labels, cancellationToken);
            default:
                Log.UnknownInteractionType(logger, (int)interaction.Type);
                return InteractionHttpResponse.UnknownType;
        }
    }

    private async ValueTask<InteractionHttpResponse> RunCommandAsync(InteractionPayload interaction, long receivedAt, RequestLabels? labels, CancellationToken cancellationToken)
    {
        var name = interaction.Data?.Name;
        if (string.IsNullOrEmpty(name))
        {
            Log.InvalidJson(logger);
            return InteractionHttpResponse.InvalidJson;
        }

        var invocation = InvocationMapper.ToInvocation(interaction, name, receivedAt);
        var route = router.Find(RouteKind.Command, name);
        if (route is null)
        {
            Log.UnknownCommand(logger, name, invocation.CorrelationId, invocation.GuildId);
            return Reply(new CommandReply(
                $"I don't know the command `/{ReplyText.Quote(name)}`: it may have been removed. `/help` lists the ones I have.",
                Ephemeral: true));
        }

        var commandPath = InteractionLabels.CommandPath(name, invocation.Options);
        Label(labels, invocation, commandPath, route.Feature);
        if (await RefusalAsync(route, commandPath, invocation.GuildId, invocation.UserId, invocation.CorrelationId, labels, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var definition = route.Definition!;
        switch (route.Execution)
        {
            case CommandResponseMode.Deferred:
                return await DeferAsync(interaction, invocation, DeferredWorkQueue.Interactions, Acknowledgement(definition), _enqueueTimeout, labels, cancellationToken);
            case CommandResponseMode.DeferredToVoice:
                return await DeferAsync(interaction, invocation, DeferredWorkQueue.Voice, Acknowledgement(definition), _enqueueTimeout, labels, cancellationToken);
        }

        try
        {
            var reply = await router.CommandHandler(route)!.ExecuteAsync(invocation, cancellationToken);
            var elapsedMs = timeProvider.GetElapsedTime(receivedAt).TotalMilliseconds;
            Log.CommandAnswered(logger, name, invocation.CorrelationId, invocation.GuildId, elapsedMs);
            return Reply(reply);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A failing command still gets an answer, so the user sees more than "interaction failed".
            Log.CommandFailed(logger, exception, name, invocation.CorrelationId, invocation.GuildId);
            labels?.Outcome = InteractionOutcome.Failed;
            return Reply(new CommandReply(
                $"Something went wrong running `/{name}`. It has been logged (reference `{invocation.CorrelationId}`).",
                Ephemeral: true));
        }
    }

    /// <summary>
    /// A clicked button (or chosen select-menu value) goes to the feature whose <see cref="InteractionRoute"/> owns its
    /// custom_id: acknowledged with type 6 once queued, the message left as it is for the worker to edit (or answered
    /// inline when the feature asked so, to open a form). A component no feature owns (an old message's) gets a clear
    /// answer, not a failure.
    /// </summary>
    private async ValueTask<InteractionHttpResponse> UseComponentAsync(InteractionPayload interaction, long receivedAt, RequestLabels? labels, CancellationToken cancellationToken)
    {
        var customId = interaction.Data?.CustomId;
        var route = string.IsNullOrEmpty(customId) ? null : router.Find(RouteKind.Component, customId);
        if (route is null)
        {
            Log.UnknownComponent(logger, customId ?? "(none)", interaction.GuildId);
            return Reply(NoLongerInUse);
        }

        var invocation = InvocationMapper.ToComponentInvocation(interaction, route, customId!, receivedAt);
        Label(labels, invocation, route.Key, route.Feature);
        if (await RefusalAsync(route, commandPath: null, invocation.GuildId, invocation.UserId, invocation.CorrelationId, labels, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (route.Execution == CommandResponseMode.Inline)
        {
            return await ClickInlineAsync(route, invocation, receivedAt, labels, cancellationToken);
        }

        var queue = route.Execution == CommandResponseMode.DeferredToVoice ? DeferredWorkQueue.Voice : DeferredWorkQueue.Interactions;
        return await DeferAsync(interaction, invocation, queue, DeferredUpdate, _enqueueTimeout, labels, cancellationToken);
    }

    /// <summary>A click answered in the request (one that opens a form): its handler's reply, or an apology when it fails.</summary>
    private async ValueTask<InteractionHttpResponse> ClickInlineAsync(InteractionRoute route, CommandInvocation invocation, long receivedAt, RequestLabels? labels, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await router.CommandHandler(route)!.ExecuteAsync(invocation, cancellationToken);
            var elapsedMs = timeProvider.GetElapsedTime(receivedAt).TotalMilliseconds;
            Log.CommandAnswered(logger, route.Key, invocation.CorrelationId, invocation.GuildId, elapsedMs);
            return Reply(reply);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.CommandFailed(logger, exception, route.Key, invocation.CorrelationId, invocation.GuildId);
            labels?.Outcome = InteractionOutcome.Failed;
            return Reply(new CommandReply(
                $"Something went wrong with that button. It has been logged (reference `{invocation.CorrelationId}`).",
                Ephemeral: true));
        }
    }

    /// <summary>A filled-in form goes to the command that opened it, found by the custom_id it gave the form.</summary>
    private async ValueTask<InteractionHttpResponse> SubmitModalAsync(InteractionPayload interaction, long receivedAt, RequestLabels? labels, CancellationToken cancellationToken)
    {
        var customId = interaction.Data?.CustomId;
        if (string.IsNullOrEmpty(customId))
        {
            Log.InvalidJson(logger);
            return InteractionHttpResponse.InvalidJson;
        }

        var route = router.Find(RouteKind.Form, customId);
        if (route is null)
        {
            Log.UnknownModal(logger, customId, interaction.GuildId);
            return Reply(NoLongerInUse);
        }

        var submission = InvocationMapper.ToSubmission(interaction, customId, receivedAt);
        Label(labels, submission.CorrelationId, submission.GuildId, route.Key, route.Feature);
        if (await RefusalAsync(route, commandPath: null, submission.GuildId, submission.UserId, submission.CorrelationId, labels, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        using var inline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = SubmitAsync(router.ModalHandler(route)!, route.Key, submission, inline.Token);
        var remaining = _formInlineTimeout - timeProvider.GetElapsedTime(receivedAt);
        try
        {
            var reply = await work.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, timeProvider, cancellationToken);
            var elapsedMs = timeProvider.GetElapsedTime(receivedAt).TotalMilliseconds;
            Log.ModalAnswered(logger, route.Key, submission.CorrelationId, submission.GuildId, elapsedMs);
            return Reply(reply);
        }
        catch (TimeoutException)
        {
            // Too slow to answer inline (storage retrying, say): stop, and let the worker run the same submission,
            // which the handler makes safe to repeat, then edit "thinking…" with its answer.
            await inline.CancelAsync();
            Log.ModalDeferred(logger, route.Key, submission.CorrelationId, submission.GuildId, _formInlineTimeout.TotalMilliseconds);
            var left = AnswerBudget - timeProvider.GetElapsedTime(receivedAt);
            return await DeferAsync(
                interaction,
                submission.ToInvocation(),
                DeferredWorkQueue.Interactions,
                DeferredEphemeral,
                left < _enqueueTimeout ? left : _enqueueTimeout,
                labels,
                cancellationToken);
        }
    }

    /// <summary>A failing handler still gets an answer, so the user sees more than "interaction failed".</summary>
    private async Task<CommandReply> SubmitAsync(IModalHandler handler, string form, ModalSubmission submission, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.SubmitAsync(submission, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ModalFailed(logger, exception, form, submission.CorrelationId, submission.GuildId);
            return new CommandReply(
                $"Something went wrong saving the form. It has been logged (reference `{submission.CorrelationId}`).",
                Ephemeral: true);
        }
    }

    /// <summary>
    /// The operator controls' answer when they refuse the interaction (guild blocked, feature or command turned off,
    /// limit reached): type 4, ephemeral, inline, and nothing run or queued. Null when it may go on.
    /// </summary>
    private async ValueTask<InteractionHttpResponse?> RefusalAsync(InteractionRoute route, string? commandPath, ulong? guildId, ulong userId, string correlationId, RequestLabels? labels, CancellationToken cancellationToken)
    {
        if (gate is null)
        {
            return null;
        }

        var decision = await gate.CheckAsync(route.Feature, commandPath, route.Kind, guildId, userId, cancellationToken);
        if (decision.Allowed)
        {
            return null;
        }

        labels?.Outcome = InteractionOutcome.Refused;
        Log.Refused(logger, route.Key, decision.ReasonCode, correlationId, guildId);
        return Reply(new CommandReply(decision.Message!, Ephemeral: true));
    }

    /// <summary>Type 5 ("thinking…"), ephemeral or not as the command declares; fixed now, it cannot change later.</summary>
    private static byte[] Acknowledgement(CommandDefinition definition) => definition.Ephemeral ? DeferredEphemeral : DeferredPublic;

    /// <summary>
    /// Answers <paramref name="acknowledgement"/> only once the work is durably queued on <paramref name="queue"/>
    /// within <paramref name="enqueueTimeout"/> (<see cref="InteractionOptions.EnqueueTimeout"/> unless less is left);
    /// otherwise 503, so nothing is silently lost.
    /// </summary>
    private async ValueTask<InteractionHttpResponse> DeferAsync(
        InteractionPayload interaction,
        CommandInvocation invocation,
        DeferredWorkQueue queue,
        byte[] acknowledgement,
        TimeSpan enqueueTimeout,
        RequestLabels? labels,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(interaction.Token))
        {
            Log.InvalidJson(logger);
            return InteractionHttpResponse.InvalidJson;
        }

        var deferred = new DeferredCommand
        {
            Invocation = invocation,
            InteractionId = interaction.Id,
            ApplicationId = interaction.ApplicationId,
            InteractionToken = interaction.Token,
            EnqueuedAt = timeProvider.GetUtcNow(),
        };
        try
        {
            using var timeout = new CancellationTokenSource(enqueueTimeout > TimeSpan.Zero ? enqueueTimeout : TimeSpan.Zero, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await deferredQueue.EnqueueAsync(deferred, queue, linked.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.EnqueueFailed(logger, exception, invocation.CommandName, queue, invocation.CorrelationId, invocation.GuildId);
            return InteractionHttpResponse.NotAccepted;
        }

        labels?.Outcome = InteractionOutcome.Deferred;

        Log.CommandDeferred(logger, invocation.CommandName, queue, invocation.CorrelationId, invocation.GuildId);
        return InteractionHttpResponse.Ok(acknowledgement);
    }

    /// <summary>Every inline answer built from a reply is fitted to Discord's limits here, so Discord never refuses it.</summary>
    private InteractionHttpResponse Reply(CommandReply reply)
    {
        var response = InteractionResponses.From(reply);
        if (DiscordMessageLimits.Fit(response) is { } originalLength)
        {
            Log.ReplyShortened(logger, originalLength, DiscordMessageLimits.MaxContentLength);
        }

        return InteractionHttpResponse.Ok(Serialize(response));
    }

    /// <summary>The dimensions of a routed interaction, on the current span and for the duration metric.</summary>
    private static void Label(RequestLabels? labels, CommandInvocation invocation, string command, string feature) =>
        Label(labels, invocation.CorrelationId, invocation.GuildId, command, feature);

    private static void Label(RequestLabels? labels, string correlationId, ulong? guildId, string command, string feature)
    {
        labels?.Command = command;
        QueueActivities.SetDimensions(Activity.Current, correlationId, guildId, command, feature);
    }

    /// <summary>The <c>type</c> dimension and <see cref="InteractionTypeTag"/> value.</summary>
    public static string TypeName(InteractionType type) => type switch
    {
        InteractionType.Ping => "ping",
        InteractionType.ApplicationCommand => "command",
        InteractionType.MessageComponent => "component",
        InteractionType.ModalSubmit => "modal",
        InteractionType.ApplicationCommandAutocomplete => "autocomplete",
        _ => InteractionLabels.Unknown,
    };

    /// <summary>What the status says when no step said more: a refusal (4xx), the queue unreachable (503), or an answer.</summary>
    private static InteractionOutcome OutcomeOf(InteractionHttpResponse response) => response.StatusCode switch
    {
        StatusCodes.Status200OK => InteractionOutcome.Answered,
        StatusCodes.Status503ServiceUnavailable => InteractionOutcome.Failed,
        _ => InteractionOutcome.Refused,
    };

    /// <summary>The duration metric's dimensions, filled in as the request is understood.</summary>
    private sealed class RequestLabels
    {
        public string Type { get; set; } = InteractionLabels.Unknown;

        public string Command { get; set; } = InteractionLabels.Unknown;

        public InteractionOutcome? Outcome { get; set; }
    }

    private static byte[] Serialize(InteractionResponsePayload response) =>
        JsonSerializer.SerializeToUtf8Bytes(response, DiscordJsonContext.Default.InteractionResponsePayload);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Interaction refused: signature check {Reason}")]
        public static partial void SignatureRejected(ILogger logger, SignatureCheck reason);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Interaction refused: body of {Length} bytes exceeds {MaxBodyBytes}")]
        public static partial void BodyTooLarge(ILogger logger, long length, int maxBodyBytes);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Interaction refused: signed body is not a valid interaction")]
        public static partial void InvalidJson(ILogger logger);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Interaction refused: unknown interaction type {InteractionType}")]
        public static partial void UnknownInteractionType(ILogger logger, int interactionType);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Unknown command {Command} ({CorrelationId}, guild {GuildId})")]
        public static partial void UnknownCommand(ILogger logger, string command, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Answered {Command} inline in {ElapsedMs:0.000} ms ({CorrelationId}, guild {GuildId})")]
        public static partial void CommandAnswered(ILogger logger, string command, string correlationId, ulong? guildId, double elapsedMs);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Deferred {Command} to the {Queue} queue ({CorrelationId}, guild {GuildId})")]
        public static partial void CommandDeferred(ILogger logger, string command, DeferredWorkQueue queue, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Could not queue {Command} on the {Queue} queue; answered 503 so Discord reports the failure ({CorrelationId}, guild {GuildId})")]
        public static partial void EnqueueFailed(ILogger logger, Exception exception, string command, DeferredWorkQueue queue, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Command {Command} failed ({CorrelationId}, guild {GuildId})")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string command, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Answered the {Form} form inline in {ElapsedMs:0.000} ms ({CorrelationId}, guild {GuildId})")]
        public static partial void ModalAnswered(ILogger logger, string form, string correlationId, ulong? guildId, double elapsedMs);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "The {Form} form failed ({CorrelationId}, guild {GuildId})")]
        public static partial void ModalFailed(ILogger logger, Exception exception, string form, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "The {Form} form took longer than {InlineTimeoutMs:0} ms inline; queuing it and answering deferred ({CorrelationId}, guild {GuildId})")]
        public static partial void ModalDeferred(ILogger logger, string form, string correlationId, ulong? guildId, double inlineTimeoutMs);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "A form no command owns was submitted, custom_id {CustomId} (guild {GuildId})")]
        public static partial void UnknownModal(ILogger logger, string customId, ulong? guildId);

        [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "A component no feature owns was used, custom_id {CustomId} (guild {GuildId})")]
        public static partial void UnknownComponent(ILogger logger, string customId, ulong? guildId);

        [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Refused {Command} inline: operator controls say {Reason} ({CorrelationId}, guild {GuildId})")]
        public static partial void Refused(ILogger logger, string command, string reason, string correlationId, ulong? guildId);

        [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Shortened an inline answer from {Length} to {MaxLength} characters, Discord's limit")]
        public static partial void ReplyShortened(ILogger logger, int length, int maxLength);
    }
}
