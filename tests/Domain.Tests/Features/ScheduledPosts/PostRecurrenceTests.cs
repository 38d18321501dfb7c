using Serverless.Domain.Commands;
using Serverless.Domain.Features.ScheduledPosts;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class PostRecurrenceTests
{
    private static readonly TimeSpan MinimumInterval = ScheduleLimits.Default.MinRepeatInterval;

    [Theory]
    [InlineData(null, RecurrenceKind.None)]
    [InlineData("", RecurrenceKind.None)]
    [InlineData("none", RecurrenceKind.None)]
    [InlineData("Once", RecurrenceKind.None)]
    [InlineData("daily", RecurrenceKind.Daily)]
    [InlineData(" DAILY ", RecurrenceKind.Daily)]
    [InlineData("Weekly", RecurrenceKind.Weekly)]
    public void TryParse_NamedRepeat_IsThatKind(string? repeat, RecurrenceKind kind)
    {
        Assert.True(PostRecurrence.TryParse(repeat, null, MinimumInterval, out var recurrence, out var error), error);

        Assert.Null(error);
        Assert.Equal(new PostRecurrence(kind), recurrence);
    }

    [Theory]
    [InlineData("cron", "0 9 * * MON")]
    [InlineData("CRON", "  0  9 * *   MON ")]
    [InlineData(null, "0 9 * * MON")]
    [InlineData("0 9 * * MON", null)]
    [InlineData(" 0 9 *  * MON", "0 9 * * MON")]
    public void TryParse_CronExpression_IsKeptWithSingleSpaces(string? repeat, string? cron)
    {
        Assert.True(PostRecurrence.TryParse(repeat, cron, MinimumInterval, out var recurrence, out var error), error);

        Assert.Equal(new PostRecurrence(RecurrenceKind.Cron, "0 9 * * MON"), recurrence);
    }

    [Theory]
    [InlineData("*/10 * * * *")]
    [InlineData("0,30 * * * *")]
    [InlineData("50 * * * *")]
    [InlineData("0,55 0,23 31 * *")] // 23:55 on the 31st, but never 00:00 the next day
    [InlineData("0 0 29 2 *")]
    public void TryParse_CronAtMostEveryTenMinutes_IsAccepted(string cron)
    {
        Assert.True(PostRecurrence.TryParse("cron", cron, MinimumInterval, out _, out var error), error);
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("* * * * *")]
    [InlineData("0,5 9 * * MON")]
    [InlineData("0,55 * * * *")] // 09:55 then 10:00
    [InlineData("0,55 0,23 * * *")] // 23:55 then 00:00 the next day
    [InlineData("0,55 0,23 1,31 * *")] // 31 January 23:55 then 1 February 00:00
    [InlineData("*/5 * 29 2 *")]
    public void TryParse_CronMoreOftenThanEveryTenMinutes_IsRefused(string cron)
    {
        Assert.False(PostRecurrence.TryParse("cron", cron, MinimumInterval, out var recurrence, out var error));

        Assert.Equal($"Cron expression '{cron}' fires too often: this server's posts may repeat at most once every 10 minutes.", error);
        Assert.Equal(PostRecurrence.None, recurrence);
    }

    [Theory]
    [InlineData("0 25 * * *")]
    [InlineData("61 * * * *")]
    [InlineData("0 9 * * FUNDAY")]
    public void TryParse_InvalidCron_SaysWhy(string cron)
    {
        Assert.False(PostRecurrence.TryParse("cron", cron, MinimumInterval, out _, out var error));

        Assert.StartsWith($"Invalid cron expression '{cron}': ", error, StringComparison.Ordinal);
        Assert.True(error!.Length > $"Invalid cron expression '{cron}': ".Length + 3, error);
    }

    [Fact]
    public void TryParse_CronAllowedByDefault_IsRefusedUnderALongerMinimum()
    {
        Assert.True(PostRecurrence.TryParse("cron", "*/30 * * * *", MinimumInterval, out _, out _));

        Assert.False(PostRecurrence.TryParse("cron", "*/30 * * * *", TimeSpan.FromHours(1), out _, out var error));
        Assert.Equal("Cron expression '*/30 * * * *' fires too often: this server's posts may repeat at most once every 1 hour.", error);
    }

    [Fact]
    public void TryParse_InvalidCron_NamesTheFieldAndItsRange()
    {
        Assert.False(PostRecurrence.TryParse("cron", "0 25 * * *", MinimumInterval, out _, out var error));
        Assert.Equal("Invalid cron expression '0 25 * * *': Hours: Value must be a number between 0 and 23 (all inclusive).", error);
    }

    [Fact]
    public void TryParse_CronWithSixFields_AsksForFive()
    {
        Assert.False(PostRecurrence.TryParse("cron", "0 0 9 * * MON", MinimumInterval, out _, out var error));
        Assert.Equal("Invalid cron expression '0 0 9 * * MON': it needs 5 fields (minute hour day-of-month month day-of-week).", error);
    }

    [Fact]
    public void TryParse_CronThatNeverFires_IsRefused()
    {
        Assert.False(PostRecurrence.TryParse("cron", "0 0 30 2 *", MinimumInterval, out _, out var error));
        Assert.Equal("Cron expression '0 0 30 2 *' never fires.", error);
    }

    [Fact]
    public void TryParse_UnknownRepeat_ListsTheChoices()
    {
        Assert.False(PostRecurrence.TryParse("hourly", null, MinimumInterval, out _, out var error));
        Assert.Equal("Unknown repeat 'hourly': use daily, weekly or a cron expression such as `0 9 * * MON`.", error);
    }

    [Fact]
    public void TryParse_RepeatCronWithoutExpression_AsksForOne()
    {
        Assert.False(PostRecurrence.TryParse("cron", "  ", MinimumInterval, out _, out var error));
        Assert.Equal("Repeat 'cron' needs a cron expression such as `0 9 * * MON`.", error);
    }

    [Fact]
    public void TryParse_CronWithAnotherRepeat_IsRefused()
    {
        Assert.False(PostRecurrence.TryParse("daily", "0 9 * * MON", MinimumInterval, out _, out var error));
        Assert.Equal("A cron expression only goes with repeat 'cron', not 'daily'.", error);
    }

    [Fact]
    public void TryParse_TwoDifferentCronExpressions_IsRefused()
    {
        Assert.False(PostRecurrence.TryParse("0 9 * * MON", "0 10 * * MON", MinimumInterval, out _, out var error));
        Assert.Equal("Two different cron expressions, '0 9 * * MON' and '0 10 * * MON': give one.", error);
    }

    [Fact]
    public void Describe_SaysHowThePostRepeats()
    {
        Assert.Equal("once", PostRecurrence.None.Describe());
        Assert.Equal("daily", new PostRecurrence(RecurrenceKind.Daily).Describe());
        Assert.Equal("weekly", new PostRecurrence(RecurrenceKind.Weekly).Describe());
        Assert.Equal("cron `0 9 * * MON`", new PostRecurrence(RecurrenceKind.Cron, "0 9 * * MON").Describe());
    }

    [Theory]
    [InlineData("cron", "0 9 * * MON {0}")]
    [InlineData("cron", "{0} 9 * * MON")]
    [InlineData("cron", "0 9 * * {0}")]
    [InlineData("{0}", null)]
    [InlineData("0 9 * * MON", "0 9 * * TUE {0}")]
    [InlineData("daily", "{0}")]
    public void TryParse_VeryLongInput_IsQuotedShortened(string repeat, string? cron)
    {
        var filler = new string('7', 3000);

        Assert.False(PostRecurrence.TryParse(string.Format(null, repeat, filler), cron is null ? null : string.Format(null, cron, filler), MinimumInterval, out _, out var error));

        Assert.NotNull(error);
        Assert.InRange(error.Length, 1, 300);
        Assert.DoesNotContain(new string('7', ReplyText.MaxQuotedLength + 1), error, StringComparison.Ordinal);
    }
}
