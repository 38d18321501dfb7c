using System.Globalization;
using System.Text;
using Serverless.Domain.Commands;
using Serverless.Domain.Projections;

namespace Serverless.Domain.Features.Oracle;

/// <summary>
/// The oracle's custom_ids (button <c>oracle:answer:{week}</c>, form <c>oracle:form:{week}</c>), its projection key
/// (<c>oracle/week:{yyyy-www}/{guild}</c>), and the checks and quoting of what members type.
/// </summary>
public static class OracleText
{
    public const string ButtonPrefix = "oracle:answer:";
    public const string FormPrefix = "oracle:form:";
    public const string AnswerInput = "answer";
    public const string WeekKind = "week";

    /// <summary>Longest answer stored; the message quotes less (<see cref="QuotedLength"/>).</summary>
    public const int MaxAnswerLength = 500;

    /// <summary>How much of an answer the week's message quotes, so ten of them and the prompt fit in one message.</summary>
    public const int QuotedLength = 120;

    public static ProjectionKey WeekKey(ulong guildId, OracleWeek week) => new(guildId, OracleFeature.FeatureName, $"{WeekKind}:{week.Key}");

    public static string ButtonId(OracleWeek week) => ButtonPrefix + week.Key;

    public static string FormId(OracleWeek week) => FormPrefix + week.Key;

    /// <summary>The week a custom_id with <paramref name="prefix"/> names, or null.</summary>
    public static OracleWeek? WeekOf(string? customId, string prefix) =>
        customId is not null && customId.StartsWith(prefix, StringComparison.Ordinal) && OracleWeek.TryParse(customId[prefix.Length..], out var week) ? week : null;

    /// <summary>Why the typed answer can't be kept, or null; <paramref name="answer"/> is trimmed.</summary>
    public static string? AnswerRefusal(string? typed, out string answer)
    {
        answer = typed?.Trim() ?? "";
        return answer.Length == 0 ? "Your answer was empty; nothing was saved. Click Answer to try again."
            : answer.Length > MaxAnswerLength ? $"Your answer is {answer.Length} characters; the limit is {MaxAnswerLength}. Nothing was saved: shorten it and try again."
            : null;
    }

    /// <summary>
    /// A member's text made safe to show: on one line, shortened (never splitting an emoji), and with every <c>@</c>
    /// followed by a zero-width space so <c>@everyone</c> is never sent raw, whatever the allowed mentions say.
    /// </summary>
    public static string Inert(string typed, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var oneLine = string.Join(' ', typed.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return ReplyText.Defuse(ReplyText.Shorten(oneLine, maxLength));
    }

    public static string User(ulong id) => ReplyText.Mention(id);

    /// <summary>The week's message: prompt, count, the newest <paramref name="shown"/> answers, and the Answer button.</summary>
    public static ProjectionContent Render(OracleEdition edition, IReadOnlyList<OracleAnswer> answers, int shown)
    {
        ArgumentNullException.ThrowIfNull(edition);
        ArgumentNullException.ThrowIfNull(answers);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"🔮 **The oracle asks — week {edition.Week}**\n> {Inert(edition.Prompt, OracleOptions.MaxPromptLength)}\n\n");
        text.Append(answers.Count switch
        {
            0 => "No answers yet. Be the first: click **Answer**.",
            1 => "1 answer",
            var count => string.Create(CultureInfo.InvariantCulture, $"{count} answers"),
        });
        var newest = answers.OrderByDescending(answer => answer.AnsweredAt).ThenBy(answer => answer.UserId).Take(shown).ToList();
        if (newest.Count > 0)
        {
            text.Append(answers.Count > newest.Count ? string.Create(CultureInfo.InvariantCulture, $" (the newest {newest.Count}):\n") : ":\n");
            foreach (var answer in newest)
            {
                text.Append(CultureInfo.InvariantCulture, $"• {User(answer.UserId)}: “{Inert(answer.Text, QuotedLength)}”\n");
            }
        }

        return new ProjectionContent(text.ToString().TrimEnd(), [new ReplyButton(ButtonId(edition.Week), "Answer", ReplyButtonStyle.Primary)]);
    }
}
