using Serverless.Domain.Features.ScheduledPosts;
using static Serverless.Domain.Tests.Features.ScheduledPosts.Zones;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class ScheduleTimeParserTests
{
    // Tuesday 13:00 in Paris (CET, +01:00).
    private static readonly DateTimeOffset Now = Utc("2026-11-24T12:00:00Z");

    [Theory]
    [InlineData("2026-12-01 09:30", "2026-12-01T08:30:00Z")]
    [InlineData("2026-12-01T09:30", "2026-12-01T08:30:00Z")]
    [InlineData("2026-12-01 09:30:15", "2026-12-01T08:30:15Z")]
    [InlineData("2026-12-01T09:30:00+01:00", "2026-12-01T08:30:00Z")]
    [InlineData("2026-12-01T09:30:00-05:00", "2026-12-01T14:30:00Z")]
    [InlineData("2026-12-01T08:30Z", "2026-12-01T08:30:00Z")]
    [InlineData("in 2h", "2026-11-24T14:00:00Z")]
    [InlineData("in 90m", "2026-11-24T13:30:00Z")]
    [InlineData("in 90 minutes", "2026-11-24T13:30:00Z")]
    [InlineData("in 1 min", "2026-11-24T12:01:00Z")]
    [InlineData("in 1d 3h", "2026-11-25T15:00:00Z")]
    [InlineData("in 2 hours 30 minutes", "2026-11-24T14:30:00Z")]
    [InlineData("in 2hrs", "2026-11-24T14:00:00Z")]
    [InlineData("in 1 day", "2026-11-25T12:00:00Z")]
    [InlineData("in 1w", "2026-12-01T12:00:00Z")]
    [InlineData("in 2 weeks", "2026-12-08T12:00:00Z")]
    [InlineData("today 18:00", "2026-11-24T17:00:00Z")]
    [InlineData("tomorrow 09:00", "2026-11-25T08:00:00Z")]
    [InlineData("tomorrow 9am", "2026-11-25T08:00:00Z")]
    [InlineData("tomorrow 9:30pm", "2026-11-25T20:30:00Z")]
    [InlineData("tomorrow 12am", "2026-11-24T23:00:00Z")]
    [InlineData("tomorrow 12pm", "2026-11-25T11:00:00Z")]
    [InlineData("14:00", "2026-11-24T13:00:00Z")]
    [InlineData("9pm", "2026-11-24T20:00:00Z")]
    [InlineData("09:00", "2026-11-25T08:00:00Z")]
    [InlineData("13:00", "2026-11-25T12:00:00Z")]
    public void TryParse_AcceptedFormat_IsReadInTheGuildZone(string text, string expectedUtc)
    {
        Assert.True(ScheduleTimeParser.TryParse(text, Paris, Now, out var when, out var error), error);

        Assert.Null(error);
        Assert.Equal(Utc(expectedUtc), when);
        Assert.Equal(TimeSpan.Zero, when.Offset);
    }

    [Theory]
    [InlineData("  IN   2H ", "2026-11-24T14:00:00Z")]
    [InlineData("Tomorrow 9AM", "2026-11-25T08:00:00Z")]
    [InlineData("TODAY  6:30 PM", "2026-11-24T17:30:00Z")]
    [InlineData("2026-12-01t08:30z", "2026-12-01T08:30:00Z")]
    public void TryParse_IgnoresCaseAndExtraSpaces(string text, string expectedUtc)
    {
        Assert.True(ScheduleTimeParser.TryParse(text, Paris, Now, out var when, out var error), error);
        Assert.Equal(Utc(expectedUtc), when);
    }

    [Fact]
    public void TryParse_WithoutZone_ReadsUtc()
    {
        Assert.True(ScheduleTimeParser.TryParse("tomorrow 09:00", GuildTimeZones.Utc, Now, out var when, out _));
        Assert.Equal(Utc("2026-11-25T09:00:00Z"), when);
    }

    [Theory]
    [InlineData("2026-12-01")]
    [InlineData("xyz")]
    [InlineData("tomorrow")]
    [InlineData("tomorrow 9")]
    [InlineData("in 2 fortnights")]
    [InlineData("in")]
    [InlineData("25:00")]
    [InlineData("13pm")]
    [InlineData("2026-02-30 09:00")]
    [InlineData("2026-12-01T09:30+15:00")]
    public void TryParse_Unreadable_SaysWhichFormatsWork(string text)
    {
        Assert.False(ScheduleTimeParser.TryParse(text, Paris, Now, out _, out var error));
        Assert.Equal($"Could not read the time '{text}': use 2026-12-01 09:30, in 2h or tomorrow 09:00.", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void TryParse_Nothing_AsksForATime(string? text)
    {
        Assert.False(ScheduleTimeParser.TryParse(text, Paris, Now, out _, out var error));
        Assert.Equal("No time given: use 2026-12-01 09:30, in 2h or tomorrow 09:00.", error);
    }

    [Theory]
    [InlineData("2026-11-24 08:00")]
    [InlineData("today 08:00")]
    [InlineData("2026-11-24T07:00Z")]
    public void TryParse_PastTime_IsRefusedShowingWhenItWas(string text)
    {
        Assert.False(ScheduleTimeParser.TryParse(text, Paris, Now, out _, out var error));
        Assert.Equal("That time is in the past (it was 2026-11-24 08:00 Europe/Paris).", error);
    }

    [Fact]
    public void TryParse_Now_IsRefusedAsPast()
    {
        Assert.False(ScheduleTimeParser.TryParse("in 0m", Paris, Now, out _, out var error));
        Assert.Equal("That time is in the past (it was 2026-11-24 13:00 Europe/Paris).", error);
    }

    [Theory]
    [InlineData("in 367d")]
    [InlineData("in 999999w")]
    [InlineData("2028-01-01 09:00")]
    public void TryParse_MoreThan366DaysAhead_IsRefused(string text)
    {
        Assert.False(ScheduleTimeParser.TryParse(text, Paris, Now, out _, out var error));
        Assert.Equal("That time is more than 366 days ahead; pick one within a year.", error);
    }

    [Fact]
    public void TryParse_366DaysAhead_IsAccepted()
    {
        Assert.True(ScheduleTimeParser.TryParse("in 366d", Paris, Now, out var when, out _));
        Assert.Equal(Now.AddDays(366), when);
    }

    [Theory]
    [InlineData("2026-03-29 02:30")]
    [InlineData("tomorrow 02:30")]
    [InlineData("02:30")]
    [InlineData("2:30am")]
    public void TryParse_TimeSkippedBySpringForward_IsRefusedNamingTheZone(string text)
    {
        var saturdayNoon = Utc("2026-03-28T11:00:00Z");

        Assert.False(ScheduleTimeParser.TryParse(text, Paris, saturdayNoon, out _, out var error));
        Assert.Equal("2026-03-29 02:30 does not exist in Europe/Paris (clocks go forward); pick another time.", error);
    }

    [Fact]
    public void TryParse_BareTimeSkippedTodayButAlreadyPast_MeansTomorrow()
    {
        var sundayMorning = Utc("2026-03-29T08:00:00Z"); // 10:00 CEST, after the gap

        Assert.True(ScheduleTimeParser.TryParse("02:30", Paris, sundayMorning, out var when, out var error), error);
        Assert.Equal(Utc("2026-03-30T02:30:00+02:00"), when);
    }

    [Fact]
    public void TryParse_TimeRepeatedByFallBack_TakesTheEarlierInstant()
    {
        var before = Utc("2026-10-20T12:00:00Z");

        Assert.True(ScheduleTimeParser.TryParse("2026-10-25 02:30", Paris, before, out var when, out var error), error);
        Assert.Equal(Utc("2026-10-25T02:30:00+02:00"), when);
        Assert.Equal(Utc("2026-10-25T00:30:00Z"), when);
    }

    [Fact]
    public void TryParse_NewYork_UsesItsOwnOffsets()
    {
        var now = Utc("2026-03-06T12:00:00Z");

        Assert.True(ScheduleTimeParser.TryParse("2026-03-07 09:00", NewYork, now, out var winter, out _));
        Assert.True(ScheduleTimeParser.TryParse("2026-03-09 09:00", NewYork, now, out var summer, out _));
        Assert.False(ScheduleTimeParser.TryParse("2026-03-08 02:30", NewYork, now, out _, out var gap));

        Assert.Equal(Utc("2026-03-07T14:00:00Z"), winter);
        Assert.Equal(Utc("2026-03-09T13:00:00Z"), summer);
        Assert.Equal("2026-03-08 02:30 does not exist in America/New_York (clocks go forward); pick another time.", gap);
    }

    [Fact]
    public void TryParse_LongGibberish_IsEchoedShortened()
    {
        var text = new string('x', 100);

        Assert.False(ScheduleTimeParser.TryParse(text, Paris, Now, out _, out var error));
        Assert.Equal($"Could not read the time '{new string('x', 40)}…': use 2026-12-01 09:30, in 2h or tomorrow 09:00.", error);
    }
}
