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
/// the post and the occurrence (with <c>enforce_nonce</c>), and an occurrence already recorded as published is not
/// sent again, so redelivery never posts twice. Transient failures come back through the timer after a back-off
/// (the claim's lease); permanent ones fail the post at once with a readable reason.
/// </summary>
public sealed partial class PostPublisher(
    IScheduledPostStore store,
    Func<DiscordRestClient> discord,
    IOptions<ScheduledPostOptions> options,
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

            // Retrying cannot fix it: after maxDequeueCount tries the host parks it in posts-poison, where operators look.
            return new QueueWorkOutcome(QueueWorkResult.Retry, [$"refused message for poison: {problem}"]);
        }

        correlationId ??= "-";
        var post = await store.GetAsync(claim.GuildId, claim.PostId, cancellationToken);
        if (post is null || post.Status == PostStatus.Cancelled)
        {
            await store.FailAsync(claim, "cancelled or deleted before publishing", retryAt: null, cancellationToken);
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

        await store.MarkProcessingAsync(claim, cancellationToken);
        try
        {
            var message = await discord().CreateMessageAsync(post.ChannelId, new MessageCreatePayload
            {
                Content = post.Content,
                Nonce = PostNonce.For(post.Id, occurrence),
                EnforceNonce = true,
                AllowedMentions = AllowedMentionsPayload.None,
            }, cancellationToken);
            await store.CompleteAsync(claim, occurrence, message.Id, next, cancellationToken);
            Log.Published(logger, correlationId, claim.GuildId, post.Id, post.ChannelId, message.Id, occurrence, claim.Due, next);
            return new QueueWorkOutcome(QueueWorkResult.Completed, [$"published {post.Id} as message {message.Id}"]);
        }
        catch (DiscordApiException exception) when (Permanent(exception) is { } reason)
        {
            await store.FailAsync(claim, reason, retryAt: null, cancellationToken);
            Log.Failed(logger, correlationId, claim.GuildId, post.Id, post.ChannelId, reason);
            return new QueueWorkOutcome(QueueWorkResult.Completed, [$"{post.Id} failed: {reason}"]);
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var error = Describe(exception);
            var retryAt = claim.Attempt < options.Value.MaxAttempts ? now + Backoff(claim.Attempt) : (DateTimeOffset?)null;
            await store.FailAsync(claim, retryAt is null ? $"{error} (gave up after {claim.Attempt} attempts)" : error, retryAt, cancellationToken);
            Log.WillRetry(logger, correlationId, claim.GuildId, post.Id, claim.Attempt, error, retryAt);
            return new QueueWorkOutcome(QueueWorkResult.Completed, [$"{post.Id} attempt {claim.Attempt} failed: {error}"]);
        }
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
        return new QueueWorkOutcome(QueueWorkResult.Skipped, [$"{claim.PostId}: {why}"]);
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
    }
}
