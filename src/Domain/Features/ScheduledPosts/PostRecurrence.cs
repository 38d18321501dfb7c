using System.Globalization;
using Cronos;
using Serverless.Domain.Commands;

namespace Serverless.Domain.Features.ScheduledPosts;

/// <summary>
/// How a post repeats: daily or weekly at its first occurrence's wall-clock time in the guild's zone,
/// or a 5-field cron expression evaluated in that zone.
/// </summary>
public sealed record PostRecurrence(RecurrenceKind Kind, string? Cron = null)
{
    private const string CronExample = "`0 9 * * MON`";

    public static PostRecurrence None { get; } = new(RecurrenceKind.None);

    /// <summary>
    /// Reads the repeat staff chose: none/once, daily, weekly, or cron with <paramref name="cron"/>;
    /// a 5-field cron expression may also be given as the repeat itself.
    /// </summary>
    /// <param name="minimumInterval">
    /// The shortest gap a cron expression may leave between two posts (daily and weekly never come closer than a day):
    /// posts are published one message at a time, and a tighter cron would flood the channel.
    /// </param>
    public static bool TryParse(string? repeat, string? cron, TimeSpan minimumInterval, out PostRecurrence recurrence, out string? error)
    {
        recurrence = None;
        error = null;
        var choice = CollapseSpaces(repeat);
        var expression = CollapseSpaces(cron);
        if (FieldCount(choice) == 5)
        {
            if (expression.Length > 0 && !string.Equals(expression, choice, StringComparison.Ordinal))
            {
                error = $"Two different cron expressions, '{ReplyText.Quote(choice)}' and '{ReplyText.Quote(expression)}': give one.";
                return false;
            }

            return TryParseCron(choice, minimumInterval, out recurrence, out error);
        }

        var kind = choice.ToUpperInvariant() switch
        {
            "" when expression.Length > 0 => RecurrenceKind.Cron,
            "" or "NONE" or "ONCE" => RecurrenceKind.None,
            "DAILY" => RecurrenceKind.Daily,
            "WEEKLY" => RecurrenceKind.Weekly,
            "CRON" => RecurrenceKind.Cron,
            _ => (RecurrenceKind?)null,
        };
        if (kind is null)
        {
            error = $"Unknown repeat '{ReplyText.Quote(choice)}': use daily, weekly or a cron expression such as {CronExample}.";
            return false;
        }

        if (kind == RecurrenceKind.Cron)
        {
            if (expression.Length == 0)
            {
                error = $"Repeat 'cron' needs a cron expression such as {CronExample}.";
                return false;
            }

            return TryParseCron(expression, minimumInterval, out recurrence, out error);
        }

        if (expression.Length > 0)
        {
            error = $"A cron expression only goes with repeat 'cron', not '{ReplyText.Quote(choice)}'.";
            return false;
        }

        recurrence = kind == RecurrenceKind.None ? None : new PostRecurrence(kind.Value);
        return true;
    }

    public string Describe() => Kind switch
    {
        RecurrenceKind.None => "once",
        RecurrenceKind.Daily => "daily",
        RecurrenceKind.Weekly => "weekly",
        RecurrenceKind.Cron => $"cron `{Cron}`",
        _ => Kind.ToString(),
    };

    internal CronExpression ParseCron() =>
        CronExpression.Parse(Cron ?? throw new InvalidOperationException("A cron recurrence has no cron expression."), CronFormat.Standard);

    private static bool TryParseCron(string expression, TimeSpan minimumInterval, out PostRecurrence recurrence, out string? error)
    {
        recurrence = None;
        if (FieldCount(expression) != 5)
        {
            error = $"Invalid cron expression '{ReplyText.Quote(expression)}': it needs 5 fields (minute hour day-of-month month day-of-week).";
            return false;
        }

        CronExpression parsed;
        try
        {
            parsed = CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            error = $"Invalid cron expression '{ReplyText.Quote(expression)}': {CronProblem(e)}";
            return false;
        }

        switch (CronCadence.Check(parsed, minimumInterval))
        {
            case CronCadence.Verdict.NeverFires:
                error = $"Cron expression '{ReplyText.Quote(expression)}' never fires.";
                return false;
            case CronCadence.Verdict.TooOften:
                error = $"Cron expression '{ReplyText.Quote(expression)}' fires too often: this server's posts may repeat at most once every {Describe(minimumInterval)}.";
                return false;
            default:
                recurrence = new PostRecurrence(RecurrenceKind.Cron, expression);
                error = null;
                return true;
        }
    }

    private static string Describe(TimeSpan interval) => interval.TotalMinutes % 60 == 0
        ? Count(interval.TotalHours, "hour")
        : Count(interval.TotalMinutes, "minute");

    private static string Count(double amount, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount:0.#} {unit}{(amount == 1 ? "" : "s")}");

    // Cronos prefixes every reason with "The given cron expression has an invalid format."; the field and reason are what help.
    private static string CronProblem(CronFormatException e)
    {
        const string Preamble = "The given cron expression has an invalid format.";
        return e.Message.StartsWith(Preamble, StringComparison.Ordinal) ? e.Message[Preamble.Length..].Trim() : e.Message;
    }

    private static string CollapseSpaces(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static int FieldCount(string collapsed) => collapsed.Length == 0 ? 0 : collapsed.Count(c => c == ' ') + 1;
}
