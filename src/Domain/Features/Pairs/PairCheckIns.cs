using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Pairs;

/// <summary>
/// One member's daily check-in, for <c>/pair checkin</c> and the panel's button alike: finds the member's pair, asks
/// <see cref="PairRules.CheckIn"/> on the guild's local day, and writes the pair with, when the day counted, its monthly
/// score in one transaction. The day is that of the interaction's own timestamp, so a redelivered one lands on the same
/// day and is refused as a repeat rather than counted again.
/// </summary>
public sealed partial class PairCheckIns(
    IPairStore store,
    GuildCalendar calendar,
    ProjectionChanges projections,
    ILogger<PairCheckIns> logger)
{
    private const int MaxAttempts = 5;

    /// <param name="pairId">The pair the clicked panel belongs to; null for <c>/pair checkin</c> (the member's pair).</param>
    public async Task<CommandReply> CheckInAsync(CommandInvocation invocation, ulong guildId, string? pairId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
        var at = invocation.InteractionId != 0 ? Snowflake.CreatedAt(invocation.InteractionId) : calendar.UtcNow;
        var day = GuildCalendar.LocalDate(at, zone);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var id = pairId ?? (await store.GetMembershipAsync(guildId, invocation.UserId, cancellationToken))?.PairId;
            if (id is null || await store.GetAsync(guildId, id, cancellationToken) is not { } pair)
            {
                return Refuse("You're not in a pair. Invite someone with `/pair invite`.");
            }

            if (!pair.IsMember(invocation.UserId))
            {
                return Refuse("This panel belongs to another pair; only its two members can check in here.");
            }

            var step = PairRules.CheckIn(pair, invocation.UserId, day);
            if (!step.Changed)
            {
                return Refuse(step.Refusal ?? "Nothing to do.");
            }

            var month = step.DayCounted ? await store.GetMonthAsync(pair, new GuildMonth(day.Year, day.Month), cancellationToken) : null;
            if (!await store.TryCheckInAsync(step.Pair, month is null ? null : month with { Days = month.Days + 1 }, cancellationToken))
            {
                continue;
            }

            await projections.MarkDirtyAsync(PairText.HomeKey(guildId, pair.Id), invocation.CorrelationId, cancellationToken);
            if (step.DayCounted)
            {
                Log.DayCounted(logger, guildId, pair.Id, day, step.Pair.CurrentStreak, invocation.CorrelationId);
                await projections.MarkDirtyAsync(MonthlyStandings.KeyFor(guildId), invocation.CorrelationId, cancellationToken);
                return new CommandReply(
                    $"✅ Checked in for {PairRules.Format(day)}. You both did today: streak {step.Pair.CurrentStreak} (best {step.Pair.BestStreak}), {step.Pair.TotalDays} days together.",
                    Ephemeral: true);
            }

            return new CommandReply(
                $"✅ Checked in for {PairRules.Format(day)}. The day counts once {PairText.User(pair.PartnerOf(invocation.UserId))} checks in too.",
                Ephemeral: true);
        }

        return Refuse("Too many check-ins on this pair at once; try again.");
    }

    private static CommandReply Refuse(string text) => new(text, Ephemeral: true);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6401, Level = LogLevel.Information, Message = "Pair {PairId} of guild {GuildId} counted {Day}: streak {Streak} ({CorrelationId})")]
        public static partial void DayCounted(ILogger logger, ulong guildId, string pairId, DateOnly day, int streak, string correlationId);
    }
}
