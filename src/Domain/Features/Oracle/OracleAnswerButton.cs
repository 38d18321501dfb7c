using Serverless.Domain.Commands;
using Serverless.Domain.Community;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// The week message's Answer button (<c>oracle:answer:{week}</c>). Answered inline, because a form can only be the
/// immediate answer to a click: opens the answer form for this week's prompt, or politely refuses a past week's.
/// </summary>
public sealed class OracleAnswerButton(IOracleStore store, GuildCalendar calendar) : ICommandHandler
{
    public async ValueTask<CommandReply> ExecuteAsync(CommandInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (invocation.GuildId is not { } guildId
            || OracleText.WeekOf(invocation.Options.GetValueOrDefault(InteractionRoute.ComponentOption), OracleText.ButtonPrefix) is not { } week)
        {
            return new CommandReply("This button no longer works.", Ephemeral: true);
        }

        var zone = await calendar.GetZoneAsync(guildId, cancellationToken);
        if (OracleWeek.Of(GuildCalendar.LocalDate(calendar.UtcNow, zone)) != week)
        {
            return new CommandReply($"Week {week}'s oracle is closed; answer this week's prompt instead.", Ephemeral: true);
        }

        var previous = await store.GetAnswerAsync(guildId, week, invocation.UserId, cancellationToken);
        return CommandReply.WithModal(new ModalPrompt(
            OracleText.FormId(week),
            $"The oracle — week {week}",
            [
                new ModalTextInput(OracleText.AnswerInput, previous is null ? "Your answer" : "Your answer (replaces your earlier one)")
                {
                    Paragraph = true,
                    MaxLength = OracleText.MaxAnswerLength,
                },
            ]));
    }
}
