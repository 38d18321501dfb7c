using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Functions.Hosting;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The <c>post-publisher</c> queue function: publishes one claimed occurrence. The message carries a nonce made of
/// the post and the occurrence (with <c>enforce_nonce</c>), which Discord remembers only for minutes; so every send is
/// noted before it goes out, and when an earlier send's outcome is unknown the channel is searched for it before
/// sending again. Discord's answer and the storage write after it are handled apart: once Discord has the post, a
/// failed write neither sends it again nor fails it. Transient failures come back through the timer after a
/// back-off (the claim's lease); permanent ones fail the post at once with a readable reason. Cancelled and
/// published posts are never written over.
/// </summary>
public sealed partial class PostPublisher(
    IScheduledPostStore store,
    DiscordRestClient discord,
    SentPostFinder finder,
    IOptions<ScheduledPostOptions> options,
    ScheduledPostMetrics metrics,
    TimeProvider timeProvider,
    ILogger<PostPublisher> logger)
{
    public const string FunctionName = "post-publisher";
    public const string BindingName = "message";

    public async Task<QueueWorkOutcome> RunAsync(string messageText, CancellationToken cancellationToken)
    {
        var (claim, correlationId, problem) = PostMessageCodec.Decode(messageText);
        if (claim is null)
        {
            Log.Refused(logger, correlationId ?? "-", problem!);
            metrics.Failed(ScheduledPostMetrics.FailureReasons.Poison);

            // Retrying cannot fix it: after maxDequeueCount tries the host parks it in posts-poison, where operators look.
            return QueueWorkOutcome.Retry("unreadable message, refused for the poison queue (event 5105)");
        }

        correlationId ??= "-";
        var post = await store.GetAsync(claim.GuildId, claim.PostId, cancellationToken);
        if (post is null || post.Status == PostStatus.Cancelled)
        {
            // The post stays as the user left it: marking it failed would let `posts requeue --status failed` publish it.
            await store.ReleaseAsync(claim, cancellationToken);
            return Skip(correlationId, claim, "cancelled or gone");
        }

        var now = timeProvider.GetUtcNow();
        var zone = GuildTimeZones.TryFind(post.TimeZone, out var found, out _) ? found : GuildTimeZones.Utc;
        // Another instance's clock may have claimed it a moment "early" by ours.
        var (occurrence, next) = PostSchedule.CatchUp(post.Recurrence, post.Anchor, zone, claim.Due, now > claim.Due ? now : claim.Due);
        if (post.LastPublishedOccurrence is { } published && published >= occurrence)
        {
            // Discord has it and we recorded it; a previous try died before tidying up.
            await store.CompleteAsync(claim, occurrence, post.LastMessageId ?? 0, next, cancellationToken);
            return Skip(correlationId, claim, "already published");
        }

        // Guarded by the row's ETag: a cancel since our read stops the send here.
        var start = await store.BeginSendAsync(claim, occurrence, now, cancellationToken);
        if (!start.MaySend)
        {
            return Skip(correlationId, claim, "cancelled, gone or published meanwhile");
        }

        ulong messageId;
        try
        {
            if (start.Earlier is { } earlier && await finder.FindAsync(post, earlier, cancellationToken) is { } sent)
            {
                messageId = sent;
                Log.FoundInChannel(logger, correlationId, claim.GuildId, post.Id, post.ChannelId, sent, occurrence);
            }
            else
            {
                messageId = (await discord.CreateMessageAsync(post.ChannelId, new MessageCreatePayload
                {
                    Content = post.Content,
                    Nonce = PostNonce.For(post.Id, occurrence),
                    EnforceNonce = true,
                    AllowedMentions = AllowedMentionsPayload.None,
                }, cancellationToken)).Id;
            }
        }
        catch (DiscordApiException exception) when (Permanent(exception) is { } reason)
        {
            return await FailForGoodAsync(correlationId, claim, post, reason, FailureReason(exception), cancellationToken);
        }
        catch (SentPostSearchExhaustedException exception)
        {
            return await FailForGoodAsync(correlationId, claim, post, exception.Message, ScheduledPostMetrics.FailureReasons.Error, cancellationToken);
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var error = Describe(exception);
            var retryAt = claim.Attempt < options.Value.MaxAttempts ? now + Backoff(claim.Attempt) : (DateTimeOffset?)null;
            await store.FailAsync(claim, retryAt is null ? $"{error} (gave up after {claim.Attempt} attempts)" : error, retryAt, cancellationToken);
            Log.WillRetry(logger, correlationId, claim.GuildId, post.Id, claim.Attempt, error, retryAt);
            if (retryAt is null)
            {
                metrics.Failed(exception is DiscordRateLimitedException ? ScheduledPostMetrics.FailureReasons.RateLimited : ScheduledPostMetrics.FailureReasons.Error);
            }

            return QueueWorkOutcome.Completed;
        }

        // Discord has the post. A failed write from here on is storage's: the send stays noted as unconfirmed, and
        // when the lease runs out the next claim finds the message in the channel instead of sending it again.
        try
        {
            await store.CompleteAsync(claim, occurrence, messageId, next, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RecordFailed(logger, exception, correlationId, claim.GuildId, post.Id, messageId, occurrence);
            return QueueWorkOutcome.Completed;
        }

        Log.Published(logger, correlationId, claim.GuildId, post.Id, post.ChannelId, messageId, occurrence, claim.Due, next);

        // Counted once the row says published: a send whose record failed is counted by the claim that finds it.
        metrics.Published(occurrence, timeProvider.GetUtcNow());
        return QueueWorkOutcome.Completed;
    }

    private async Task<QueueWorkOutcome> FailForGoodAsync(string correlationId, PostClaim claim, ScheduledPost post, string reason, string metricReason, CancellationToken cancellationToken)
    {
        await store.FailAsync(claim, reason, retryAt: null, cancellationToken);
        Log.Failed(logger, correlationId, claim.GuildId, post.Id, post.ChannelId, reason);
        metrics.Failed(metricReason);
        return QueueWorkOutcome.Completed;
    }

    /// <summary>Capped exponential back-off with jitter, so many posts failing together do not come back together.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var settings = options.Value;
        var exponential = settings.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = exponential < settings.RetryMaxDelay ? exponential : settings.RetryMaxDelay;
        return capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    /// <summary>Failures that no retry can fix, worded for the person reading <c>lastError</c>.</summary>
    private static string? Permanent(DiscordApiException exception) => exception switch
    {
        { ErrorCode: DiscordErrorCodes.MissingPermissions } => "Missing permissions (50013): the bot may not send messages in that channel.",
        { ErrorCode: DiscordErrorCodes.MissingAccess } => "Missing access (50001): the bot cannot see that channel.",
        { ErrorCode: DiscordErrorCodes.UnknownChannel } => "Unknown channel (10003): the channel was deleted.",
        DiscordUnauthorizedException => "Discord rejected the bot token (401); fix the token, then requeue.",
        { Status: HttpStatusCode.Forbidden } => $"Forbidden (403, code {exception.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}): the bot may not post there.",
        { Status: HttpStatusCode.NotFound } => "Not found (404): the channel no longer exists.",
        { IsTransient: false } and not DiscordBudgetExhaustedException => $"Discord refused the post ({(int)exception.Status}, code {exception.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}).",
        _ => null,
    };

    /// <summary>The metric's fixed vocabulary for a failure <see cref="Permanent"/> named.</summary>
    private static string FailureReason(DiscordApiException exception) => exception switch
    {
        { ErrorCode: DiscordErrorCodes.MissingPermissions or DiscordErrorCodes.MissingAccess } or DiscordUnauthorizedException or { Status: HttpStatusCode.Forbidden }
            => ScheduledPostMetrics.FailureReasons.Forbidden,
        { ErrorCode: DiscordErrorCodes.UnknownChannel } or { Status: HttpStatusCode.NotFound } => ScheduledPostMetrics.FailureReasons.NotFound,
        _ => ScheduledPostMetrics.FailureReasons.Error,
    };

    private static string Describe(Exception exception) => exception switch
    {
        DiscordRateLimitedException limited => $"rate limited for {limited.RetryAfter.TotalSeconds:0} s",
        DiscordUnavailableException => "Discord unavailable (circuit open)",
        DiscordBudgetExhaustedException => "invalid-request budget spent; calls paused",
        DiscordApiException api => $"Discord answered {(int)api.Status}",
        TimeoutException or OperationCanceledException => "Discord did not answer in time",
        _ => "network error talking to Discord",
    };

    private QueueWorkOutcome Skip(string correlationId, PostClaim claim, string why)
    {
        Log.Skipped(logger, correlationId, claim.GuildId, claim.PostId, why);
        return QueueWorkOutcome.Skipped;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Published post {PostId} of guild {GuildId} in channel {ChannelId} as message {MessageId} (occurrence {Occurrence}, due {Due}, next {Next}, {CorrelationId})")]
        public static partial void Published(ILogger logger, string correlationId, ulong guildId, string postId, ulong channelId, ulong messageId, DateTimeOffset occurrence, DateTimeOffset due, DateTimeOffset? next);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Post {PostId} of guild {GuildId} failed for good in channel {ChannelId}: {Reason} ({CorrelationId})")]
        public static partial void Failed(ILogger logger, string correlationId, ulong guildId, string postId, ulong channelId, string reason);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Post {PostId} of guild {GuildId} attempt {Attempt} failed: {Error}; retry at {RetryAt} ({CorrelationId})")]
        public static partial void WillRetry(ILogger logger, string correlationId, ulong guildId, string postId, int attempt, string error, DateTimeOffset? retryAt);

        [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "Skipped post {PostId} of guild {GuildId}: {Reason} ({CorrelationId})")]
        public static partial void Skipped(ILogger logger, string correlationId, ulong guildId, string postId, string reason);

        [LoggerMessage(EventId = 5105, Level = LogLevel.Error, Message = "Refused a posts message ({CorrelationId}): {Problem}")]
        public static partial void Refused(ILogger logger, string correlationId, string problem);

        [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Post {PostId} of guild {GuildId} was already in channel {ChannelId} as message {MessageId} (occurrence {Occurrence}); not sent again ({CorrelationId})")]
        public static partial void FoundInChannel(ILogger logger, string correlationId, ulong guildId, string postId, ulong channelId, ulong messageId, DateTimeOffset occurrence);

        [LoggerMessage(EventId = 5107, Level = LogLevel.Error, Message = "Post {PostId} of guild {GuildId} was published as message {MessageId} (occurrence {Occurrence}) but recording it failed; the next claim finds the message instead of sending again ({CorrelationId})")]
        public static partial void RecordFailed(ILogger logger, Exception exception, string correlationId, ulong guildId, string postId, ulong messageId, DateTimeOffset occurrence);
    }
}
