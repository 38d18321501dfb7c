using Serverless.Domain.Community;

namespace Serverless.Domain.Tests.Community;

/// <summary>Guild months in a zone: where they start and end, across offsets and daylight saving changes.</summary>
public sealed class GuildMonthTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Kathmandu = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu");
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    [Fact]
    public void AMonth_StartsAtLocalMidnight_InTheGuildsZone()
    {
        // New York is on standard time (UTC-5) on 1 December and daylight time (UTC-4) on 1 April.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), new GuildMonth(2026, 12).StartUtc(NewYork));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 4, 0, 0, TimeSpan.Zero), new GuildMonth(2026, 4).StartUtc(NewYork));

        // Kathmandu is UTC+5:45: its month starts at 18:15 UTC the day before.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 18, 15, 0, TimeSpan.Zero), new GuildMonth(2026, 12).StartUtc(Kathmandu));
    }

    [Fact]
    public void AnInstantNearTheBoundary_FallsInTheZonesMonth()
    {
        var start = new GuildMonth(2027, 1).StartUtc(Kathmandu);

        Assert.Equal(new GuildMonth(2026, 12), GuildMonth.Of(start - TimeSpan.FromTicks(1), Kathmandu));
        Assert.Equal(new GuildMonth(2027, 1), GuildMonth.Of(start, Kathmandu));
        Assert.Equal(new GuildMonth(2026, 12), GuildMonth.Of(start, TimeZoneInfo.Utc));
    }

    [Fact]
    public void AMonthWithADaylightSavingChange_IsAnHourShorterOrLonger()
    {
        // March loses an hour in New York (clocks go forward on the 8th); November gains one (back on the 1st).
        var march = new GuildMonth(2026, 3);
        var november = new GuildMonth(2026, 11);
        Assert.Equal(TimeSpan.FromDays(31) - TimeSpan.FromHours(1), march.Next.StartUtc(NewYork) - march.StartUtc(NewYork));
        Assert.Equal(TimeSpan.FromDays(30) + TimeSpan.FromHours(1), november.Next.StartUtc(NewYork) - november.StartUtc(NewYork));

        // In Sydney April gains the hour (daylight time ends on the 5th).
        var april = new GuildMonth(2026, 4);
        Assert.Equal(TimeSpan.FromDays(30) + TimeSpan.FromHours(1), april.Next.StartUtc(Sydney) - april.StartUtc(Sydney));
    }

    [Fact]
    public void NextAndPrevious_CrossTheYear()
    {
        Assert.Equal(new GuildMonth(2027, 1), new GuildMonth(2026, 12).Next);
        Assert.Equal(new GuildMonth(2026, 12), new GuildMonth(2027, 1).Previous);
        Assert.Equal(new GuildMonth(2026, 6), new GuildMonth(2026, 5).Next);
    }

    [Theory]
    [InlineData("2026-12", true)]
    [InlineData("2026-01", true)]
    [InlineData("2026-13", false)]
    [InlineData("2026-00", false)]
    [InlineData("1999-12", false)]
    [InlineData("2026-1", false)]
    [InlineData("2026/12", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_TakesOnlyYearDashMonth(string? text, bool valid)
    {
        Assert.Equal(valid, GuildMonth.TryParse(text, out var month));
        if (valid)
        {
            Assert.Equal(text, month!.Value.ToString());
        }
    }

    [Fact]
    public void DisplayName_IsForPeople()
    {
        Assert.Equal("December 2026", new GuildMonth(2026, 12).DisplayName);
    }
}
