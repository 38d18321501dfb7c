using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Oracle;

/// <summary>What one publisher run did.</summary>
public sealed record OraclePublishRun(int Guilds, int Published, int Failed);

/// <summary>
/// Publishes each guild's weekly prompt once its slot passed. Idempotent per guild and week, whatever the runs'
/// timing or overlap: the week's edition is claimed with an insert (the prompt chosen then and stored), and placed
/// as the projection <c>oracle/week:{yyyy-www}/{guild}</c>, which posts its message exactly once. A claim whose
/// placing failed is placed by the next run.
/// </summary>
public sealed partial class OraclePublisher(
    IOracleStore store,
    GuildCalendar calendar,
    ProjectionChanges projections,
    IOptions<OracleOptions> options,
    ILogger<OraclePublisher> logger)
{
    public async Task<OraclePublishRun> RunAsync(string correlationId, CancellationToken cancellationToken)
    {
        var setups = await store.ListSetupsAsync(cancellationToken);
        var (published, failed) = (0, 0);
        foreach (var setup in setups)
        {
            try
            {
                if (await PublishDueAsync(setup, correlationId, cancellationToken))
                {
                    published++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One guild's trouble must not hold up the others; the next run tries it again.
                failed++;
                Log.GuildFailed(logger, exception, setup.GuildId, correlationId);
            }
        }

        return new OraclePublishRun(setups.Count, published, failed);
    }

    /// <summary>True when this call placed the week's prompt.</summary>
    private async Task<bool> PublishDueAsync(OracleSetup setup, string correlationId, CancellationToken cancellationToken)
    {
        var zone = await calendar.GetZoneAsync(setup.GuildId, cancellationToken);
        if (OracleSchedule.DueWeek(calendar.UtcNow, setup.Day, setup.Hour, zone) is not { } week)
        {
            return false;
        }

        var edition = await store.GetEditionAsync(setup.GuildId, week, cancellationToken);
        if (edition is { Placed: true })
        {
            return false;
        }

        if (edition is null)
        {
            var claim = new OracleEdition(setup.GuildId, week, OracleSchedule.PromptFor(week, options.Value.EffectivePrompts), setup.ChannelId, calendar.UtcNow);
            if (!await store.TryWriteEditionAsync(claim, cancellationToken))
            {
                // Another run claimed it just now and places it.
                return false;
            }

            edition = await store.GetEditionAsync(setup.GuildId, week, cancellationToken) ?? claim;
        }

        await projections.PlaceAsync(OracleText.WeekKey(setup.GuildId, week), edition.ChannelId, logChannelId: null, correlationId, cancellationToken);

        // Lost to a concurrent run that placed it too: placing twice in one channel posts one message.
        await store.TryWriteEditionAsync(edition with { Placed = true }, cancellationToken);
        Log.Published(logger, setup.GuildId, week, edition.ChannelId, correlationId);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6452, Level = LogLevel.Information, Message = "Oracle prompt of week {Week} placed in channel {ChannelId} of guild {GuildId} ({CorrelationId})")]
        public static partial void Published(ILogger logger, ulong guildId, OracleWeek week, ulong channelId, string correlationId);

        [LoggerMessage(EventId = 6453, Level = LogLevel.Error, Message = "Oracle publishing failed for guild {GuildId}; the next run tries again ({CorrelationId})")]
        public static partial void GuildFailed(ILogger logger, Exception exception, ulong guildId, string correlationId);
    }
}
