using Microsoft.Extensions.Logging;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Raids;

/// <summary>
/// Ends every raid whose time is up (the <c>raids-closer</c> timer's work). Idempotent from "now": a raid already ended
/// (by an attack, a moderator or an overlapping run) is no longer listed or loses the ETag race and is left alone.
/// </summary>
public sealed partial class RaidCloser(
    IRaidStore store,
    ProjectionChanges projections,
    GuildCalendar calendar,
    ILogger<RaidCloser> logger)
{
    /// <summary>How many raids this run closed.</summary>
    public async Task<int> CloseOverdueAsync(string correlationId, CancellationToken cancellationToken)
    {
        var closed = 0;
        foreach (var overdue in await store.ListOverdueAsync(calendar.UtcNow, cancellationToken))
        {
            // Read again: the list may be a moment old, and the end needs the row's current ETag.
            if (await store.GetAsync(overdue.GuildId, overdue.Id, cancellationToken) is not { } raid || !RaidRules.IsOverdue(raid, calendar.UtcNow))
            {
                continue;
            }

            var ended = RaidRules.Expire(raid, await calendar.GetZoneAsync(raid.GuildId, cancellationToken));
            if (!await store.TryEndAsync(ended, cancellationToken))
            {
                Log.LostRace(logger, raid.GuildId, raid.Id, correlationId);
                continue;
            }

            closed++;
            Log.Closed(logger, raid.GuildId, raid.Id, raid.Total, raid.Goal, correlationId);
            await projections.MarkDirtyAsync(RaidProgressRenderer.KeyFor(raid.GuildId, raid.Id), correlationId, cancellationToken);
            await projections.MarkDirtyAsync(MonthlyStandings.KeyFor(raid.GuildId), correlationId, cancellationToken);
        }

        return closed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6310, Level = LogLevel.Information, Message = "Raid {RaidId} in guild {GuildId} closed: time ran out at {Total} / {Goal} ({CorrelationId})")]
        public static partial void Closed(ILogger logger, ulong guildId, string raidId, long total, long goal, string correlationId);

        [LoggerMessage(EventId = 6311, Level = LogLevel.Debug, Message = "Raid {RaidId} in guild {GuildId} changed while closing; left to whoever changed it ({CorrelationId})")]
        public static partial void LostRace(ILogger logger, ulong guildId, string raidId, string correlationId);
    }
}
