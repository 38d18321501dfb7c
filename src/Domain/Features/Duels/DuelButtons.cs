using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Duels;

/// <summary>
/// The duel's buttons (custom_id <c>duel:{action}:{id}</c>), run by the worker: reads the duel, asks
/// <see cref="DuelRules"/> whether the member may act, and writes the change with the row's ETag (a conflict reads
/// again). A settled result updates both ratings and the winner's month (guild zone) in the same transaction and marks
/// the scoreboard and the hall's standings dirty. An accepted
/// change edits the duel's message; a refusal is shown only to the member who clicked.
/// </summary>
public sealed partial class DuelButtons(
    IDuelStore store,
    ProjectionChanges projections,
    GuildCalendar calendar,
    TimeProvider timeProvider,
    ILogger<DuelButtons> logger) : ICommandHandler
{
    private const int MaxAttempts = 5;

    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId
            || !DuelText.TryParse(invocation.Options.GetValueOrDefault(InteractionRoute.ComponentOption), out var action, out var duelId))
        {
            return new CommandReply("This button no longer works.", Ephemeral: true);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await store.GetAsync(guildId, duelId, cancellationToken) is not { } duel)
            {
                return new CommandReply("This duel no longer exists.", Ephemeral: true);
            }

            var step = Decide(duel, action, invocation);
            if (!step.Changed)
            {
                return new CommandReply(step.Refusal ?? "Nothing to do.", Ephemeral: true);
            }

            var written = step.Duel.Status == DuelStatus.Settled
                ? await SettleAsync(step.Duel, cancellationToken)
                : await store.TryUpdateAsync(step.Duel, cancellationToken) ? step.Duel : null;
            if (written is null)
            {
                continue;
            }

            if (written.Status == DuelStatus.Settled)
            {
                Log.Settled(logger, guildId, written.Id, written.WinnerId ?? 0, written.RatingChange ?? 0, invocation.CorrelationId);
                await projections.MarkDirtyAsync(DuelScoreboardRenderer.KeyFor(guildId), invocation.CorrelationId, cancellationToken);
                await projections.MarkDirtyAsync(MonthlyStandings.KeyFor(guildId), invocation.CorrelationId, cancellationToken);
            }

            return DuelText.Message(written);
        }

        return new CommandReply("Too many clicks on this duel at once; try again.", Ephemeral: true);
    }

    private DuelStep Decide(Duel duel, string action, CommandInvocation invocation) => action switch
    {
        DuelText.Accept => DuelRules.Accept(duel, invocation.UserId, timeProvider.GetUtcNow()),
        DuelText.Decline => DuelRules.Decline(duel, invocation.UserId, timeProvider.GetUtcNow()),
        DuelText.Won => DuelRules.Report(duel, invocation.UserId, won: true),
        DuelText.Lost => DuelRules.Report(duel, invocation.UserId, won: false),
        DuelText.SettleChallenger => DuelRules.Settle(duel, invocation.UserId, MayModerate(invocation), duel.ChallengerId),
        DuelText.SettleOpponent => DuelRules.Settle(duel, invocation.UserId, MayModerate(invocation), duel.OpponentId),
        _ => DuelStep.Refuse(duel, "This button no longer works."),
    };

    private static bool MayModerate(CommandInvocation invocation) =>
        invocation.MemberPermissions.Grants(MemberPermissions.ManageMessages) || invocation.MemberPermissions.Grants(MemberPermissions.ManageGuild);

    /// <summary>The settled duel with its rating change, written with both ratings at once; null when anything changed meanwhile.</summary>
    private async Task<Duel?> SettleAsync(Duel settled, CancellationToken cancellationToken)
    {
        var winner = await store.GetRatingAsync(settled.GuildId, settled.WinnerId!.Value, cancellationToken);
        var loser = await store.GetRatingAsync(settled.GuildId, settled.LoserId!.Value, cancellationToken);
        var (winnerRating, loserRating) = Elo.Apply(winner.Rating, loser.Rating);
        var result = settled with { RatingChange = winnerRating - winner.Rating };
        var month = GuildMonth.Of(timeProvider.GetUtcNow(), await calendar.GetZoneAsync(settled.GuildId, cancellationToken));
        return await store.TrySettleAsync(
            result,
            winner with { Rating = winnerRating, Wins = winner.Wins + 1 },
            loser with { Rating = loserRating, Losses = loser.Losses + 1 },
            month,
            cancellationToken) ? result : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Duel {DuelId} settled in guild {GuildId}: winner {WinnerId}, rating change {RatingChange} ({CorrelationId})")]
        public static partial void Settled(ILogger logger, ulong guildId, string duelId, ulong winnerId, int ratingChange, string correlationId);
    }
}
