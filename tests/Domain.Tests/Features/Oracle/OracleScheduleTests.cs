using Serverless.Domain.Community;
using Serverless.Domain.Features.Oracle;

namespace Serverless.Domain.Tests.Features.Oracle;

/// <summary>ISO weeks in the guild's zone, the weekly slot across DST, and the prompt's choice.</summary>
public sealed class OracleScheduleTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void TheWeek_IsTheIsoWeekOfTheLocalDate_SundayLateAndMondayEarly()
    {
        // Sunday 2026-12-06 23:30 and Monday 2026-12-07 00:30 in Paris: an hour apart, different ISO weeks.
        var sunday = new DateTimeOffset(2026, 12, 6, 22, 30, 0, TimeSpan.Zero);
        var monday = sunday.AddHours(1);
        Assert.Equal("2026-W49", OracleWeek.Of(GuildCalendar.LocalDate(sunday, Paris)).ToString());
        Assert.Equal("2026-W50", OracleWeek.Of(GuildCalendar.LocalDate(monday, Paris)).ToString());

        // In UTC both instants are still Sunday: week 49.
        Assert.Equal(new OracleWeek(2026, 49), OracleWeek.Of(GuildCalendar.LocalDate(monday, TimeZoneInfo.Utc)));
    }

    [Fact]
    public void WeeksAtTheYearsEdge_BelongToTheirIsoYear()
    {
        Assert.Equal(new OracleWeek(2026, 53), OracleWeek.Of(new DateOnly(2027, 1, 1)));
        Assert.Equal(new OracleWeek(2026, 1), OracleWeek.Of(new DateOnly(2025, 12, 29)));
        Assert.Equal(new DateOnly(2025, 12, 29), new OracleWeek(2026, 1).Monday);
        Assert.Equal(new DateOnly(2026, 1, 4), new OracleWeek(2026, 1).DateOf(DayOfWeek.Sunday));
    }

    [Fact]
    public void WeekKeys_AreLowerCaseForKeys_AndParseBack()
    {
        var week = new OracleWeek(2026, 9);
        Assert.Equal("2026-w09", week.Key);
        Assert.True(OracleWeek.TryParse("2026-w09", out var parsed));
        Assert.Equal(week, parsed);
        Assert.True(OracleWeek.TryParse("2026-W53", out _));
        Assert.False(OracleWeek.TryParse("2025-w53", out _));
        Assert.False(OracleWeek.TryParse("2026-w00", out _));
        Assert.False(OracleWeek.TryParse("2026-x09", out _));
    }

    [Fact]
    public void TheSlot_FollowsTheWallClockAcrossDst()
    {
        // Monday 09:00 in New York: 14:00 UTC in winter, 13:00 UTC in summer.
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero), OracleSchedule.SlotInstant(new OracleWeek(2026, 10), DayOfWeek.Monday, 9, NewYork));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 13, 0, 0, TimeSpan.Zero), OracleSchedule.SlotInstant(new OracleWeek(2026, 11), DayOfWeek.Monday, 9, NewYork));
    }

    [Fact]
    public void ASkippedHour_IsTheFirstInstantAfterTheGap_AndARepeatedOne_ItsFirstOccurrence()
    {
        // Paris skips 02:00-03:00 on Sunday 2026-03-29 (week 13): the slot is 03:00 CEST, 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), OracleSchedule.SlotInstant(new OracleWeek(2026, 13), DayOfWeek.Sunday, 2, Paris));

        // Paris repeats 02:00-03:00 on Sunday 2026-10-25 (week 43): the first 02:00 is CEST, 00:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero), OracleSchedule.SlotInstant(new OracleWeek(2026, 43), DayOfWeek.Sunday, 2, Paris));
    }

    [Fact]
    public void DueWeek_IsThisLocalWeek_OnceItsSlotPassed()
    {
        // Friday 18:00 in Paris, week 49 (Friday 2026-12-04 17:00 UTC).
        var slot = new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero);
        Assert.Null(OracleSchedule.DueWeek(slot.AddMinutes(-1), DayOfWeek.Friday, 18, Paris));
        Assert.Equal(new OracleWeek(2026, 49), OracleSchedule.DueWeek(slot, DayOfWeek.Friday, 18, Paris));
        Assert.Equal(new OracleWeek(2026, 49), OracleSchedule.DueWeek(slot.AddDays(2), DayOfWeek.Friday, 18, Paris));

        // Monday 00:30 in Paris is already week 50, whose Friday slot lies ahead.
        Assert.Null(OracleSchedule.DueWeek(new DateTimeOffset(2026, 12, 6, 23, 30, 0, TimeSpan.Zero), DayOfWeek.Friday, 18, Paris));
    }

    [Fact]
    public void ThePrompt_IsTheSameForAWeek_AndMovesOnWeekToWeek()
    {
        var prompts = OracleOptions.DefaultPrompts;
        var week = new OracleWeek(2026, 49);
        Assert.Equal(OracleSchedule.PromptFor(week, prompts), OracleSchedule.PromptFor(new OracleWeek(2026, 49), [.. prompts]));
        Assert.NotEqual(OracleSchedule.PromptFor(week, prompts), OracleSchedule.PromptFor(new OracleWeek(2026, 50), prompts));
        Assert.Equal("only", OracleSchedule.PromptFor(week, ["only"]));
        Assert.Throws<ArgumentException>(() => OracleSchedule.PromptFor(week, []));
    }
}
