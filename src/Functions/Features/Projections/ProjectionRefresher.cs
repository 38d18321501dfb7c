using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;
using Serverless.Functions.Interactions;
using Serverless.Storage.Projections;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Features.Projections;

/// <summary>
/// The <c>projection-refresher</c> queue function's work: renders a projection from the latest stored state and makes
/// its Discord message show it. Equal content (by hash) makes no call; the first refresh posts the message (nonce +
/// <c>enforce_nonce</c>, after claiming the row so two refreshers never both post); 10008 posts it again; a gone or
/// unwritable channel marks the projection broken and notes it in the guild's log channel; 30046 backs off and, when
/// edits stay refused, posts a fresh message and deletes the old one. It records the version it showed, and queues one
/// more refresh when changes arrived while it worked.
/// </summary>
public sealed partial class ProjectionRefresher(
    IProjectionStore store,
    IProjectionRefreshQueue queue,
    IPoisonQueue poison,
    IEnumerable<IProjectionRenderer> renderers,
    DiscordRestClient discord,
    ProjectionMetrics metrics,
    IOptions<ProjectionOptions> options,
    TimeProvider timeProvider,
    ILogger<ProjectionRefresher> logger)
{
    public const string FunctionName = "projection-refresher";
    private const int MaxAttempts = 5;

    private readonly Dictionary<(string Feature, string Kind), IProjectionRenderer> _renderers =
        renderers.ToDictionary(renderer => (renderer.Feature, renderer.Kind));

    public async Task<QueueWorkOutcome> RunAsync(string messageText, CancellationToken cancellationToken)
    {
        var (key, correlationId, _, problem) = ProjectionMessageCodec.Decode(messageText);
        if (key is null)
        {
            // No delivery can fix it: parked at once where operators look, verbatim.
            await poison.SendAsync(QueueNames.Projections, messageText, cancellationToken);
            Log.Unreadable(logger, correlationId ?? "-", problem!);
            return QueueWorkOutcome.Completed;
        }

        correlationId ??= "-";
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [TelemetryDimensions.CorrelationId] = correlationId,
            [TelemetryDimensions.GuildId] = key.GuildId,
            [TelemetryDimensions.Feature] = key.Feature,
            ["ProjectionKey"] = key.ToString(),
        });
        if (!_renderers.TryGetValue((key.Feature, key.Kind), out var renderer))
        {
            Log.NoRenderer(logger, key, correlationId);
            return QueueWorkOutcome.Completed;
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await RefreshOnceAsync(key, renderer, correlationId, cancellationToken) is { } outcome)
            {
                return outcome;
            }
        }

        return QueueWorkOutcome.Retry($"projection {key} changed under every one of {MaxAttempts} attempts");
    }

    /// <summary>One try; null when the row changed under it and the refresh starts over.</summary>
    private async Task<QueueWorkOutcome?> RefreshOnceAsync(ProjectionKey key, IProjectionRenderer renderer, string correlationId, CancellationToken cancellationToken)
    {
        // Changes stored after this read are not in what gets rendered: they are dirty from (at the latest) now on.
        var readAt = timeProvider.GetUtcNow();
        var state = await store.GetAsync(key, cancellationToken);
        if (state is null || state.ChannelId is not { } channelId || state.BrokenReason is not null)
        {
            Log.NotRefreshed(logger, key, state is null ? "unknown" : state.BrokenReason is null ? "not placed" : "broken", correlationId);
            return QueueWorkOutcome.Skipped;
        }

        var now = timeProvider.GetUtcNow();
        if (state.MessageId is null && state.CreatingUntil > now)
        {
            // Another refresher is posting the message; it queues one more refresh if the state moved on.
            return QueueWorkOutcome.Skipped;
        }

        // A refresh that comes early (placed, rebuilt, or a duplicate) still keeps edits of one message apart.
        if (state.MessageId is not null && ProjectionRefreshPolicy.EditWait(now, state.PublishedAt, options.Value) is var wait && wait > TimeSpan.Zero)
        {
            return await PostponeAsync(state, wait, correlationId, cancellationToken);
        }

        var content = await renderer.RenderAsync(key, cancellationToken);
        if (state.MessageId is not { } messageId)
        {
            return await CreateAsync(state, channelId, content, state.Generation, oldMessageId: null, readAt, correlationId, cancellationToken);
        }

        if (state.PublishedHash == content.Hash)
        {
            Log.Unchanged(logger, key, state.Version, correlationId);
            metrics.Refreshed(key, ProjectionMetrics.Outcomes.Unchanged);
            return await FinishAsync(state, channelId, messageId, content, state.Generation, readAt, wrote: false, correlationId, cancellationToken);
        }

        try
        {
            await discord.EditMessageAsync(channelId, messageId, new MessageEditPayload
            {
                Content = content.Text,
                AllowedMentions = AllowedMentionsPayload.None,
                Components = ReplyButtonRows.From(content.Buttons),
            }, cancellationToken);
        }
        catch (DiscordApiException exception) when (!exception.IsTransient)
        {
            var action = ProjectionRefreshPolicy.OnRefused(exception.ErrorCode, (int)exception.Status, state.EditRefusals, options.Value);
            Log.EditRefused(logger, key, exception.ErrorCode, (int)exception.Status, action, correlationId);
            return action switch
            {
                RefusalAction.Recreate => await CreateAsync(state, channelId, content, state.Generation + 1, oldMessageId: null, readAt, correlationId, cancellationToken),
                RefusalAction.Repost => await CreateAsync(state, channelId, content, state.Generation + 1, messageId, readAt, correlationId, cancellationToken),
                RefusalAction.BackOff => await BackOffAsync(state, correlationId, cancellationToken),
                RefusalAction.Break => await BreakAsync(state, channelId, Describe(exception), correlationId, cancellationToken),
                _ => QueueWorkOutcome.Retry($"Discord refused the edit of {key} ({exception.ErrorCode})"),
            };
        }

        Log.Edited(logger, key, channelId, messageId, state.Version, correlationId);
        metrics.Refreshed(key, ProjectionMetrics.Outcomes.Edited);
        return await FinishAsync(state, channelId, messageId, content, state.Generation, readAt, wrote: true, correlationId, cancellationToken);
    }

    /// <summary>
    /// Claims the row (so no other refresher posts too), posts the message with a nonce of this generation, deletes
    /// <paramref name="oldMessageId"/> when reposting, and records the new message.
    /// </summary>
    private async Task<QueueWorkOutcome?> CreateAsync(
        ProjectionState state, ulong channelId, ProjectionContent content, int generation, ulong? oldMessageId, DateTimeOffset readAt, string correlationId,
        CancellationToken cancellationToken)
    {
        var key = state.Key;
        var claimed = state with { CreatingUntil = timeProvider.GetUtcNow() + options.Value.CreateLease, Generation = generation };
        if (!await store.TryWriteAsync(claimed, cancellationToken))
        {
            return null;
        }

        claimed = await store.GetAsync(key, cancellationToken) ?? claimed;
        ulong messageId;
        try
        {
            messageId = (await discord.CreateMessageAsync(channelId, new MessageCreatePayload
            {
                Content = content.Text,
                Nonce = ProjectionRefreshPolicy.Nonce(key, generation),
                EnforceNonce = true,
                AllowedMentions = AllowedMentionsPayload.None,
                Components = ReplyButtonRows.From(content.Buttons),
            }, cancellationToken)).Id;
        }
        catch (DiscordApiException exception) when (!exception.IsTransient && exception.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return await BreakAsync(claimed, channelId, Describe(exception), correlationId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Let the next delivery post: the nonce makes a post that did go through come back as the same message.
            await store.TryWriteAsync(claimed with { CreatingUntil = null }, cancellationToken);
            Log.CreateFailed(logger, exception, key, channelId, correlationId);
            return QueueWorkOutcome.Retry($"posting projection {key} failed ({exception.GetType().Name})");
        }

        Log.Created(logger, key, channelId, messageId, generation, oldMessageId, correlationId);
        metrics.Refreshed(key, state.MessageId is null ? ProjectionMetrics.Outcomes.Created : ProjectionMetrics.Outcomes.Reposted);
        if (oldMessageId is { } old)
        {
            await DeleteOldAsync(key, channelId, old, correlationId, cancellationToken);
        }

        // The content was rendered at the version read before the claim: a change stored since then is still to show.
        var shown = claimed with { Version = state.Version };
        return await FinishAsync(shown, channelId, messageId, content, generation, readAt, wrote: true, correlationId, cancellationToken) ?? QueueWorkOutcome.Completed;
    }

    /// <summary>
    /// Records what the message shows now. Changes that arrived while rendering (a higher version) get one more refresh
    /// after the coalescing window (or what is left of the least interval between edits), and count as dirty since <paramref name="readAt"/>; otherwise nothing is pending any more.
    /// </summary>
    private async Task<QueueWorkOutcome?> FinishAsync(
        ProjectionState rendered, ulong channelId, ulong messageId, ProjectionContent content, int generation, DateTimeOffset readAt, bool wrote,
        string correlationId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await store.GetAsync(rendered.Key, cancellationToken);
            if (current is null)
            {
                return QueueWorkOutcome.Completed;
            }

            var now = timeProvider.GetUtcNow();
            var moved = current.ChannelId != channelId;
            var more = moved || current.Version > rendered.Version;
            var next = current with
            {
                MessageId = moved ? current.MessageId : messageId,
                PublishedHash = moved ? current.PublishedHash : content.Hash,
                PublishedVersion = moved ? current.PublishedVersion : Math.Max(current.PublishedVersion, rendered.Version),
                PublishedAt = moved || !wrote ? current.PublishedAt ?? now : now,
                DirtySince = moved ? current.DirtySince : more ? readAt : null,
                Generation = moved ? current.Generation : Math.Max(current.Generation, generation),
                CreatingUntil = null,
                EditRefusals = 0,
                RefreshPendingUntil = null,
            };
            var delay = ProjectionRefreshPolicy.RefreshDelay(now, next.PublishedAt, settings);
            next = next with { RefreshPendingUntil = more ? ProjectionRefreshPolicy.PendingUntil(now, delay, settings) : null };
            if (!await store.TryWriteAsync(next, cancellationToken))
            {
                continue;
            }

            if (!moved)
            {
                metrics.Current(rendered.Key, current.DirtySince, now);
            }

            if (more)
            {
                await queue.EnqueueAsync(rendered.Key, delay, correlationId, cancellationToken);
            }

            return QueueWorkOutcome.Completed;
        }

        return QueueWorkOutcome.Retry($"projection {rendered.Key} changed under every one of {MaxAttempts} attempts to record it");
    }

    /// <summary>The message was edited too recently: queue the refresh again for when it may be edited.</summary>
    private async Task<QueueWorkOutcome?> PostponeAsync(ProjectionState state, TimeSpan wait, string correlationId, CancellationToken cancellationToken)
    {
        var next = state with { RefreshPendingUntil = ProjectionRefreshPolicy.PendingUntil(timeProvider.GetUtcNow(), wait, options.Value) };
        if (!await store.TryWriteAsync(next, cancellationToken))
        {
            return null;
        }

        await queue.EnqueueAsync(state.Key, wait, correlationId, cancellationToken);
        Log.Postponed(logger, state.Key, (long)wait.TotalMilliseconds, correlationId);
        return QueueWorkOutcome.Completed;
    }

    /// <summary>Discord limits edits to the old message for now: try again after a doubling wait.</summary>
    private async Task<QueueWorkOutcome?> BackOffAsync(ProjectionState state, string correlationId, CancellationToken cancellationToken)
    {
        var refusals = state.EditRefusals + 1;
        var delay = ProjectionRefreshPolicy.EditBackoff(refusals, options.Value);
        var next = state with
        {
            EditRefusals = refusals,
            RefreshPendingUntil = ProjectionRefreshPolicy.PendingUntil(timeProvider.GetUtcNow(), delay, options.Value),
        };
        if (!await store.TryWriteAsync(next, cancellationToken))
        {
            return null;
        }

        await queue.EnqueueAsync(state.Key, delay, correlationId, cancellationToken);
        metrics.Refreshed(state.Key, ProjectionMetrics.Outcomes.BackedOff);
        Log.BackingOff(logger, state.Key, refusals, delay.TotalSeconds, correlationId);
        return QueueWorkOutcome.Completed;
    }

    /// <summary>The channel is gone or closed to the bot: stop refreshing until someone places it again, and say so.</summary>
    private async Task<QueueWorkOutcome?> BreakAsync(ProjectionState state, ulong channelId, string reason, string correlationId, CancellationToken cancellationToken)
    {
        var next = state with { BrokenReason = reason, CreatingUntil = null, RefreshPendingUntil = null };
        if (!await store.TryWriteAsync(next, cancellationToken))
        {
            return null;
        }

        Log.Broken(logger, state.Key, channelId, reason, correlationId);
        metrics.Refreshed(state.Key, ProjectionMetrics.Outcomes.Broken);
        if (state.LogChannelId is { } logChannel && logChannel != channelId)
        {
            try
            {
                await discord.CreateMessageAsync(logChannel, new MessageCreatePayload
                {
                    Content = $"The {state.Key.Feature} {state.Key.Kind} in <#{channelId}> can no longer be updated ({reason}). "
                        + $"Give the bot access again or place it elsewhere, then run `bot-ops projections rebuild {state.Key}` or the feature's command to place it.",
                    AllowedMentions = AllowedMentionsPayload.None,
                }, cancellationToken);
            }
            catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TimeoutException)
            {
                Log.NoteFailed(logger, exception, state.Key, logChannel, correlationId);
            }
        }

        return QueueWorkOutcome.Completed;
    }

    private async Task DeleteOldAsync(ProjectionKey key, ulong channelId, ulong messageId, string correlationId, CancellationToken cancellationToken)
    {
        try
        {
            await discord.DeleteMessageAsync(channelId, messageId, cancellationToken);
        }
        catch (DiscordApiException exception) when (exception.ErrorCode == ProjectionRefreshPolicy.UnknownMessage)
        {
            // Already gone: what deleting wanted.
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TimeoutException)
        {
            // The fresh message is in place; a stale copy left behind is a cosmetic problem, not a reason to post again.
            Log.DeleteFailed(logger, exception, key, channelId, messageId, correlationId);
        }
    }

    private static string Describe(DiscordApiException exception) => exception.ErrorCode switch
    {
        ProjectionRefreshPolicy.UnknownChannel => "the channel is gone (10003)",
        ProjectionRefreshPolicy.MissingAccess => "the bot cannot see the channel (50001)",
        ProjectionRefreshPolicy.MissingPermissions => "the bot may not post there (50013)",
        { } code => $"Discord refused with code {code}",
        null => $"Discord answered {(int)exception.Status}",
    };

    // Ids 6201–6212 are the refresher's; the runbook lists them.
    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Error, Message = "Projection refresh refused, moved to projections-poison: {Problem} ({CorrelationId})")]
        public static partial void Unreadable(ILogger logger, string correlationId, string problem);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "No renderer for projection {ProjectionKey}: is its feature in the app? ({CorrelationId})")]
        public static partial void NoRenderer(ILogger logger, ProjectionKey projectionKey, string correlationId);

        [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Projection {ProjectionKey} not refreshed: {State} ({CorrelationId})")]
        public static partial void NotRefreshed(ILogger logger, ProjectionKey projectionKey, string state, string correlationId);

        [LoggerMessage(EventId = 6204, Level = LogLevel.Debug, Message = "Projection {ProjectionKey} unchanged at version {Version}: no call ({CorrelationId})")]
        public static partial void Unchanged(ILogger logger, ProjectionKey projectionKey, long version, string correlationId);

        [LoggerMessage(EventId = 6205, Level = LogLevel.Information, Message = "Projection {ProjectionKey} edited in channel {ChannelId}, message {MessageId}, version {Version} ({CorrelationId})")]
        public static partial void Edited(ILogger logger, ProjectionKey projectionKey, ulong channelId, ulong messageId, long version, string correlationId);

        [LoggerMessage(EventId = 6206, Level = LogLevel.Information, Message = "Projection {ProjectionKey} posted in channel {ChannelId}, message {MessageId}, generation {Generation}, replacing {OldMessageId} ({CorrelationId})")]
        public static partial void Created(ILogger logger, ProjectionKey projectionKey, ulong channelId, ulong messageId, int generation, ulong? oldMessageId, string correlationId);

        [LoggerMessage(EventId = 6207, Level = LogLevel.Warning, Message = "Projection {ProjectionKey}: Discord refused the edit, code {ErrorCode}, status {Status}: {Action} ({CorrelationId})")]
        public static partial void EditRefused(ILogger logger, ProjectionKey projectionKey, int? errorCode, int status, RefusalAction action, string correlationId);

        [LoggerMessage(EventId = 6208, Level = LogLevel.Warning, Message = "Projection {ProjectionKey}: edits limited ({Refusals} in a row), trying again in {DelaySeconds} s ({CorrelationId})")]
        public static partial void BackingOff(ILogger logger, ProjectionKey projectionKey, int refusals, double delaySeconds, string correlationId);

        [LoggerMessage(EventId = 6209, Level = LogLevel.Warning, Message = "Projection {ProjectionKey} broken in channel {ChannelId}: {Reason} ({CorrelationId})")]
        public static partial void Broken(ILogger logger, ProjectionKey projectionKey, ulong channelId, string reason, string correlationId);

        [LoggerMessage(EventId = 6210, Level = LogLevel.Warning, Message = "Projection {ProjectionKey}: the note to log channel {ChannelId} failed ({CorrelationId})")]
        public static partial void NoteFailed(ILogger logger, Exception exception, ProjectionKey projectionKey, ulong channelId, string correlationId);

        [LoggerMessage(EventId = 6211, Level = LogLevel.Warning, Message = "Projection {ProjectionKey}: deleting the old message {MessageId} in channel {ChannelId} failed ({CorrelationId})")]
        public static partial void DeleteFailed(ILogger logger, Exception exception, ProjectionKey projectionKey, ulong channelId, ulong messageId, string correlationId);

        [LoggerMessage(EventId = 6213, Level = LogLevel.Debug, Message = "Projection {ProjectionKey}: edited too recently; refresh postponed by {WaitMs} ms ({CorrelationId})")]
        public static partial void Postponed(ILogger logger, ProjectionKey projectionKey, long waitMs, string correlationId);

        [LoggerMessage(EventId = 6212, Level = LogLevel.Error, Message = "Projection {ProjectionKey}: posting in channel {ChannelId} failed; retried ({CorrelationId})")]
        public static partial void CreateFailed(ILogger logger, Exception exception, ProjectionKey projectionKey, ulong channelId, string correlationId);
    }
}
