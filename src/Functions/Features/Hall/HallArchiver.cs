using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Discord.Interactions;
using Serverless.Discord.Rest;
using Serverless.Domain;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Projections;
using Serverless.Domain.Telemetry;
using Serverless.Functions.Hosting;

namespace Serverless.Functions.Features.Hall;

/// <summary>
/// The <c>hall-archiver</c> timer's work: for every hall whose guild month (its zone) has moved past the month it
/// shows, posts that month's hall of fame once and moves the live standings to the next month. Exactly once: the
/// month's archive row is claimed with its ETag before posting (an overlapping run finds it claimed), the post carries
/// a nonce with <c>enforce_nonce</c>, and a run that takes over an expired claim first looks for the earlier post in
/// the channel. A month with nothing in it is recorded quiet and posts nothing.
/// </summary>
public sealed partial class HallArchiver(
    IHallStore store,
    HallMonths months,
    GuildCalendar calendar,
    ProjectionChanges changes,
    DiscordRestClient discord,
    IOptions<HallArchiverOptions> options,
    ILogger<HallArchiver> logger)
{
    public const string FunctionName = "hall-archiver";
    private const int MaxAttempts = 5;
    private const int SearchPageSize = 100;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private ulong _botUserId;

    public async Task<QueueWorkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag(TelemetryDimensions.Feature, MonthlyStandings.Feature);
        var runId = Guid.CreateVersion7().ToString("N");
        var (archived, failed) = (0, 0);
        foreach (var hall in await store.ListAsync(cancellationToken))
        {
            try
            {
                archived += await ArchiveGuildAsync(hall.GuildId, runId, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One guild's trouble (its channel gone, Discord down) does not hold up the others; the next run tries again.
                failed++;
                Log.GuildFailed(logger, exception, hall.GuildId, runId);
            }
        }

        Log.RunFinished(logger, FunctionName, runId, archived, failed);
        return failed == 0 ? QueueWorkOutcome.Completed : QueueWorkOutcome.Retry($"run {runId}: {failed} guilds failed");
    }

    /// <summary>Archives the guild's ended months, oldest first; how many it archived.</summary>
    public async Task<int> ArchiveGuildAsync(ulong guildId, string correlationId, CancellationToken cancellationToken)
    {
        var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
        var archived = 0;
        for (var step = 0; step < options.Value.MaxMonthsPerRun; step++)
        {
            if (await store.GetAsync(guildId, cancellationToken) is not { } hall
                || HallArchivePolicy.DueMonth(hall, calendar.UtcNow, zone) is not { } due)
            {
                return archived;
            }

            if (!await ArchiveMonthAsync(hall, due, correlationId, cancellationToken))
            {
                // Another run holds the month's claim: it finishes the job.
                return archived;
            }

            archived++;
            await AdvanceAsync(guildId, due, correlationId, cancellationToken);
        }

        return archived;
    }

    /// <summary>Makes sure the month's archive is done (posted or quiet); false when another run is on it.</summary>
    private async Task<bool> ArchiveMonthAsync(HallState hall, GuildMonth month, string correlationId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = calendar.UtcNow;
            var archive = await store.GetArchiveAsync(hall.GuildId, month, cancellationToken);
            if (archive is { IsDone: true })
            {
                return true;
            }

            if (!HallArchivePolicy.MayClaim(archive, now))
            {
                return false;
            }

            var content = await months.ReadAsync(hall.GuildId, month, cancellationToken);
            if (content.IsQuiet)
            {
                var quiet = (archive ?? new HallArchive(hall.GuildId, month, HallArchiveStatus.Quiet)) with { Status = HallArchiveStatus.Quiet, ClaimedUntil = null };
                if (await store.TryWriteArchiveAsync(quiet, cancellationToken))
                {
                    Log.Quiet(logger, hall.GuildId, month, correlationId);
                    return true;
                }

                continue;
            }

            var claim = (archive ?? new HallArchive(hall.GuildId, month, HallArchiveStatus.Claimed)) with
            {
                Status = HallArchiveStatus.Claimed,
                ChannelId = archive?.ChannelId ?? hall.ChannelId,
                ClaimedUntil = now + options.Value.ArchiveLease,
                FirstClaimedAt = archive?.FirstClaimedAt ?? now,
            };
            if (!await store.TryWriteArchiveAsync(claim, cancellationToken))
            {
                continue;
            }

            claim = await store.GetArchiveAsync(hall.GuildId, month, cancellationToken) ?? claim;
            var text = HallBoard.Archive(content);
            var channelId = claim.ChannelId!.Value;

            // A claim taken over from a run that died may have been posted already: look before posting again.
            var messageId = archive is null ? null : await FindEarlierPostAsync(channelId, claim.FirstClaimedAt!.Value, text, cancellationToken);
            messageId ??= await PostAsync(claim, channelId, text, cancellationToken);
            var posted = claim with { Status = HallArchiveStatus.Posted, MessageId = messageId, ClaimedUntil = null };
            if (!await store.TryWriteArchiveAsync(posted, cancellationToken))
            {
                // Our claim was taken over while posting (the lease ran out): the taker finds this post in the channel.
                return false;
            }

            Log.Posted(logger, hall.GuildId, month, channelId, messageId.Value, correlationId);
            return true;
        }

        return false;
    }

    private async Task<ulong> PostAsync(HallArchive claim, ulong channelId, string text, CancellationToken cancellationToken)
    {
        try
        {
            return (await discord.CreateMessageAsync(channelId, new MessageCreatePayload
            {
                Content = text,
                Nonce = HallArchivePolicy.Nonce(claim.GuildId, claim.Month, claim.Generation),
                EnforceNonce = true,
                AllowedMentions = AllowedMentionsPayload.None,
            }, cancellationToken)).Id;
        }
        catch (DiscordApiException exception) when (!exception.IsTransient && exception.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // The claim runs out and a later run tries again, after a moderator fixed the channel with /hall setup.
            Log.ChannelRefused(logger, claim.GuildId, claim.Month, channelId, exception.ErrorCode);
            throw;
        }
    }

    /// <summary>The bot's hall-of-fame post for this month in the channel since the first claim, or null.</summary>
    private async Task<ulong?> FindEarlierPostAsync(ulong channelId, DateTimeOffset firstClaimedAt, string text, CancellationToken cancellationToken)
    {
        var bot = await BotUserIdAsync(cancellationToken);
        var heading = text.Split('\n', 2)[0];
        var after = Snowflake.AtTime(firstClaimedAt - ClockSkew);
        var messages = await discord.GetChannelMessagesAfterAsync(channelId, after, SearchPageSize, cancellationToken);
        return messages
            .Where(message => message.Author?.Id == bot && message.Content?.StartsWith(heading, StringComparison.Ordinal) == true)
            .OrderBy(message => message.Id)
            .Select(message => (ulong?)message.Id)
            .FirstOrDefault();
    }

    private async Task AdvanceAsync(ulong guildId, GuildMonth archived, string correlationId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(guildId, cancellationToken) is not { } hall || HallArchivePolicy.IsBefore(archived, hall.ShownMonth))
            {
                return;
            }

            if (await store.TryWriteAsync(hall with { ShownMonth = archived.Next }, cancellationToken))
            {
                Log.Advanced(logger, guildId, archived.Next, correlationId);
                await changes.MarkDirtyAsync(MonthlyStandings.KeyFor(guildId), correlationId, cancellationToken);
                return;
            }
        }
    }

    private async Task<ulong> BotUserIdAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _botUserId);
        if (known != 0)
        {
            return known;
        }

        var id = (await discord.GetCurrentUserAsync(cancellationToken)).Id;
        Volatile.Write(ref _botUserId, id);
        return id;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6360, Level = LogLevel.Information, Message = "Hall of guild {GuildId}: {Month} archived in channel {ChannelId}, message {MessageId} ({CorrelationId})")]
        public static partial void Posted(ILogger logger, ulong guildId, GuildMonth month, ulong channelId, ulong messageId, string correlationId);

        [LoggerMessage(EventId = 6361, Level = LogLevel.Information, Message = "Hall of guild {GuildId}: {Month} was quiet, nothing posted ({CorrelationId})")]
        public static partial void Quiet(ILogger logger, ulong guildId, GuildMonth month, string correlationId);

        [LoggerMessage(EventId = 6362, Level = LogLevel.Information, Message = "Hall of guild {GuildId} now shows {Month} ({CorrelationId})")]
        public static partial void Advanced(ILogger logger, ulong guildId, GuildMonth month, string correlationId);

        [LoggerMessage(EventId = 6363, Level = LogLevel.Warning, Message = "Hall of guild {GuildId}: channel {ChannelId} refused the {Month} archive (code {ErrorCode}); tried again next run")]
        public static partial void ChannelRefused(ILogger logger, ulong guildId, GuildMonth month, ulong channelId, int? errorCode);

        [LoggerMessage(EventId = 6364, Level = LogLevel.Error, Message = "Hall of guild {GuildId}: archiving failed in run {RunId}; the next run tries again")]
        public static partial void GuildFailed(ILogger logger, Exception exception, ulong guildId, string runId);

        [LoggerMessage(EventId = 6365, Level = LogLevel.Information, Message = "{Timer} run {RunId}: {Archived} months archived, {Failed} guilds failed")]
        public static partial void RunFinished(ILogger logger, string timer, string runId, int archived, int failed);
    }
}
