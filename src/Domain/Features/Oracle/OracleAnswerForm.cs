using Microsoft.Extensions.Logging;
using Serverless.Domain.Commands;
using Serverless.Domain.Community;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// The answer form (<c>oracle:form:{week}</c>): keeps one answer per member per week (a second replaces the first),
/// then marks the week's message dirty. Empty or too long answers, and answers to a past week, are refused and nothing
/// is saved. Safe to run twice (the worker reruns a form too slow to answer inline): the same answer is written again.
/// </summary>
public sealed partial class OracleAnswerForm(
    IOracleStore store,
    GuildCalendar calendar,
    ProjectionChanges projections,
    ILogger<OracleAnswerForm> logger) : IModalHandler
{
    private const int MaxAttempts = 5;

    public async ValueTask<CommandReply> SubmitAsync(ModalSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.GuildId is not { } guildId || OracleText.WeekOf(submission.CustomId, OracleText.FormPrefix) is not { } week)
        {
            return new CommandReply("This form is no longer in use.", Ephemeral: true);
        }

        if (OracleText.AnswerRefusal(submission.Values.GetValueOrDefault(OracleText.AnswerInput), out var text) is { } refusal)
        {
            return new CommandReply(refusal, Ephemeral: true);
        }

        var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
        var now = calendar.UtcNow;
        if (OracleWeek.Of(GuildCalendar.LocalDate(now, zone)) != week)
        {
            return new CommandReply($"Week {week}'s oracle closed before your answer arrived, sorry; answer this week's prompt instead.", Ephemeral: true);
        }

        if (await store.GetEditionAsync(guildId, week, cancellationToken) is null)
        {
            return new CommandReply("There is no oracle prompt this week.", Ephemeral: true);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var previous = await store.GetAnswerAsync(guildId, week, submission.UserId, cancellationToken);
            var answer = new OracleAnswer(guildId, week, submission.UserId, text, now) { ETag = previous?.ETag };
            if (!await store.TryWriteAnswerAsync(answer, cancellationToken))
            {
                continue;
            }

            Log.Answered(logger, guildId, week, previous is not null, submission.CorrelationId);
            await projections.MarkDirtyAsync(OracleText.WeekKey(guildId, week), submission.CorrelationId, cancellationToken);
            return new CommandReply(
                previous is null ? "🔮 Your answer is in." : "🔮 Your answer is updated: it replaces your earlier one.",
                Ephemeral: true);
        }

        return new CommandReply("Your answer changed meanwhile; try again.", Ephemeral: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6451, Level = LogLevel.Information, Message = "Oracle answer for week {Week} in guild {GuildId} (replaced: {Replaced}) ({CorrelationId})")]
        public static partial void Answered(ILogger logger, ulong guildId, OracleWeek week, bool replaced, string correlationId);
    }
}
