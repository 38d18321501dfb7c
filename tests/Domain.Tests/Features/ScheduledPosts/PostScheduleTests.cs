using Serverless.Domain.Features.ScheduledPosts;
using static Serverless.Domain.Tests.Features.ScheduledPosts.Zones;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class PostScheduleTests
{
    private static readonly PostRecurrence Daily = new(RecurrenceKind.Daily);
    private static readonly PostRecurrence Weekly = new(RecurrenceKind.Weekly);
    private static readonly PostRecurrence MondaysAtNine = new(RecurrenceKind.Cron, "0 9 * * MON");

    [Fact]
    public void NextOccurrence_OneOff_IsNull()
    {
        var anchor = Utc("2026-11-25T08:00:00Z");

        Assert.Null(PostSchedule.NextOccurrence(PostRecurrence.None, anchor, Paris, anchor.AddDays(-1)));
        Assert.Null(PostSchedule.NextOccurrence(PostRecurrence.None, anchor, Paris, anchor));
    }

    [Fact]
    public void NextOccurrence_BeforeTheAnchor_IsTheAnchor()
    {
        var anchor = Utc("2026-11-25T08:00:00Z");

        Assert.Equal(anchor, PostSchedule.NextOccurrence(Daily, anchor, Paris, anchor.AddHours(-1)));
        Assert.Equal(anchor, PostSchedule.NextOccurrence(MondaysAtNine, anchor, Paris, anchor.AddHours(-1)));
    }

    [Fact]
    public void NextOccurrence_Daily_KeepsNineLocalAcrossSpringForward()
    {
        var anchor = Utc("2026-03-27T08:00:00Z"); // Friday 09:00 CET

        var occurrences = Occurrences(Daily, anchor, Paris, 4);

        Assert.Equal(
            [Utc("2026-03-27T08:00:00Z"), Utc("2026-03-28T08:00:00Z"), Utc("2026-03-29T07:00:00Z"), Utc("2026-03-30T07:00:00Z")],
            occurrences);
        Assert.All(occurrences, o => Assert.Equal(new TimeSpan(9, 0, 0), TimeZoneInfo.ConvertTime(o, Paris).TimeOfDay));
    }

    [Fact]
    public void NextOccurrence_Daily_KeepsNineLocalAcrossFallBack()
    {
        var anchor = Utc("2026-10-24T07:00:00Z"); // Saturday 09:00 CEST

        Assert.Equal(
            [Utc("2026-10-24T07:00:00Z"), Utc("2026-10-25T08:00:00Z"), Utc("2026-10-26T08:00:00Z")],
            Occurrences(Daily, anchor, Paris, 3));
    }

    [Fact]
    public void NextOccurrence_DailyAtATimeTheGapSkips_FiresWhenTheGapEnds()
    {
        var anchor = Utc("2026-03-28T01:30:00Z"); // Saturday 02:30 CET

        Assert.Equal(
            [anchor, Utc("2026-03-29T03:00:00+02:00"), Utc("2026-03-30T02:30:00+02:00")],
            Occurrences(Daily, anchor, Paris, 3));
    }

    [Fact]
    public void NextOccurrence_DailyAtARepeatedTime_FiresOnceAtTheEarlierInstant()
    {
        var anchor = Utc("2026-10-24T00:30:00Z"); // Saturday 02:30 CEST

        Assert.Equal(
            [anchor, Utc("2026-10-25T02:30:00+02:00"), Utc("2026-10-26T02:30:00+01:00")],
            Occurrences(Daily, anchor, Paris, 3));
    }

    [Fact]
    public void NextOccurrence_DailyInNewYork_KeepsNineLocalAcrossBothChanges()
    {
        Assert.Equal(
            [Utc("2026-03-07T14:00:00Z"), Utc("2026-03-08T13:00:00Z"), Utc("2026-03-09T13:00:00Z")],
            Occurrences(Daily, Utc("2026-03-07T14:00:00Z"), NewYork, 3));
        Assert.Equal(
            [Utc("2026-10-31T13:00:00Z"), Utc("2026-11-01T14:00:00Z"), Utc("2026-11-02T14:00:00Z")],
            Occurrences(Daily, Utc("2026-10-31T13:00:00Z"), NewYork, 3));
    }

    [Fact]
    public void NextOccurrence_Weekly_KeepsTheLocalWeekdayAndTime()
    {
        var anchor = Utc("2026-03-16T08:00:00Z"); // Monday 09:00 CET

        var occurrences = Occurrences(Weekly, anchor, Paris, 4);

        Assert.Equal(
            [anchor, Utc("2026-03-23T08:00:00Z"), Utc("2026-03-30T07:00:00Z"), Utc("2026-04-06T07:00:00Z")],
            occurrences);
        Assert.All(occurrences, o => Assert.Equal(DayOfWeek.Monday, TimeZoneInfo.ConvertTime(o, Paris).DayOfWeek));
    }

    [Fact]
    public void NextOccurrence_WeeklyInNewYork_KeepsTheLocalWeekdayWhenUtcIsADayAhead()
    {
        var anchor = Utc("2026-03-01T22:00:00-05:00"); // Sunday evening, already Monday in UTC

        var next = PostSchedule.NextOccurrence(Weekly, anchor, NewYork, anchor);

        Assert.Equal(Utc("2026-03-08T22:00:00-04:00"), next);
        Assert.Equal(DayOfWeek.Sunday, TimeZoneInfo.ConvertTime(next!.Value, NewYork).DayOfWeek);
    }

    [Fact]
    public void NextOccurrence_WeeklyLongAfterTheAnchor_IsTheNextSameWeekday()
    {
        var anchor = Utc("2026-01-05T08:00:00Z"); // Monday 09:00 CET

        Assert.Equal(
            Utc("2026-11-30T08:00:00Z"),
            PostSchedule.NextOccurrence(Weekly, anchor, Paris, Utc("2026-11-24T12:00:00Z")));
    }

    [Fact]
    public void NextOccurrence_Cron_IsEvaluatedInTheGuildZone()
    {
        var anchor = Utc("2026-03-23T08:00:00Z");
        var after = Utc("2026-03-24T00:00:00Z");

        Assert.Equal(Utc("2026-03-30T07:00:00Z"), PostSchedule.NextOccurrence(MondaysAtNine, anchor, Paris, after));
        Assert.Equal(Utc("2026-03-30T13:00:00Z"), PostSchedule.NextOccurrence(MondaysAtNine, anchor, NewYork, after));
        Assert.Equal(Utc("2026-03-30T09:00:00Z"), PostSchedule.NextOccurrence(MondaysAtNine, anchor, GuildTimeZones.Utc, after));
    }

    [Fact]
    public void NextOccurrence_CronAtATimeTheGapSkips_FiresWhenTheGapEndsLikeDaily()
    {
        var anchor = Utc("2026-03-28T01:30:00Z"); // Saturday 02:30 CET
        var cron = new PostRecurrence(RecurrenceKind.Cron, "30 2 * * *");

        Assert.Equal(Utc("2026-03-29T03:00:00+02:00"), PostSchedule.NextOccurrence(cron, anchor, Paris, anchor));
        Assert.Equal(PostSchedule.NextOccurrence(Daily, anchor, Paris, anchor), PostSchedule.NextOccurrence(cron, anchor, Paris, anchor));
    }

    [Fact]
    public void NextOccurrence_IsStrictlyAfter()
    {
        var anchor = Utc("2026-11-23T08:00:00Z");

        Assert.Equal(Utc("2026-11-24T08:00:00Z"), PostSchedule.NextOccurrence(Daily, anchor, Paris, anchor));
        Assert.Equal(Utc("2026-11-30T08:00:00Z"), PostSchedule.NextOccurrence(MondaysAtNine, anchor, Paris, anchor));
    }

    [Fact]
    public void CatchUp_DailyAfterAThreeDayOutage_PublishesOnlyTheLatestAndSchedulesTheNext()
    {
        var anchor = Utc("2026-11-20T08:00:00Z");
        var due = Utc("2026-11-21T08:00:00Z");
        var now = Utc("2026-11-24T12:00:00Z");

        var (occurrence, next) = PostSchedule.CatchUp(Daily, anchor, Paris, due, now);

        Assert.Equal(Utc("2026-11-24T08:00:00Z"), occurrence);
        Assert.Equal(Utc("2026-11-25T08:00:00Z"), next);
    }

    [Fact]
    public void CatchUp_OnTime_PublishesTheDueOccurrence()
    {
        var due = Utc("2026-11-24T08:00:00Z");

        var (occurrence, next) = PostSchedule.CatchUp(Daily, Utc("2026-11-20T08:00:00Z"), Paris, due, due.AddSeconds(30));

        Assert.Equal(due, occurrence);
        Assert.Equal(Utc("2026-11-25T08:00:00Z"), next);
    }

    [Fact]
    public void CatchUp_ExactlyAtTheNextOccurrence_PublishesThatOne()
    {
        var due = Utc("2026-11-23T08:00:00Z");
        var now = Utc("2026-11-24T08:00:00Z");

        var (occurrence, next) = PostSchedule.CatchUp(Daily, due, Paris, due, now);

        Assert.Equal(now, occurrence);
        Assert.Equal(Utc("2026-11-25T08:00:00Z"), next);
    }

    [Fact]
    public void CatchUp_OneOff_PublishesWhenDueAndNeverAgain()
    {
        var due = Utc("2026-11-21T08:00:00Z");

        var (occurrence, next) = PostSchedule.CatchUp(PostRecurrence.None, due, Paris, due, Utc("2026-11-24T12:00:00Z"));

        Assert.Equal(due, occurrence);
        Assert.Null(next);
    }

    [Fact]
    public void CatchUp_WeeklyAfterAMonthOutage_PublishesTheLatest()
    {
        var anchor = Utc("2026-10-05T07:00:00Z"); // Monday 09:00 CEST

        var (occurrence, next) = PostSchedule.CatchUp(Weekly, anchor, Paris, Utc("2026-10-19T07:00:00Z"), Utc("2026-11-24T12:00:00Z"));

        Assert.Equal(Utc("2026-11-23T08:00:00Z"), occurrence);
        Assert.Equal(Utc("2026-11-30T08:00:00Z"), next);
    }

    [Fact]
    public void CatchUp_CronAfterAnOutage_PublishesTheLatest()
    {
        var due = Utc("2026-11-02T08:00:00Z");

        var (occurrence, next) = PostSchedule.CatchUp(MondaysAtNine, due, Paris, due, Utc("2026-11-24T12:00:00Z"));

        Assert.Equal(Utc("2026-11-23T08:00:00Z"), occurrence);
        Assert.Equal(Utc("2026-11-30T08:00:00Z"), next);
    }

    [Fact]
    public void CatchUp_BeforeItIsDue_Throws()
    {
        var due = Utc("2026-11-24T08:00:00Z");

        Assert.Throws<ArgumentOutOfRangeException>(() => PostSchedule.CatchUp(Daily, due, Paris, due, due.AddTicks(-1)));
    }

    private static List<DateTimeOffset> Occurrences(PostRecurrence recurrence, DateTimeOffset anchor, TimeZoneInfo zone, int count)
    {
        var occurrences = new List<DateTimeOffset> { anchor };
        while (occurrences.Count < count)
        {
            occurrences.Add(PostSchedule.NextOccurrence(recurrence, anchor, zone, occurrences[^1])!.Value);
        }

        return occurrences;
    }
}
