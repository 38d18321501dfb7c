using Serverless.Domain.Features.ScheduledPosts;
using static Serverless.Domain.Tests.Features.ScheduledPosts.Zones;

namespace Serverless.Domain.Tests.Features.ScheduledPosts;

public sealed class GuildTimeZonesTests
{
    [Theory]
    [InlineData("Europe/Paris", "Europe/Paris")]
    [InlineData("America/New_York", "America/New_York")]
    [InlineData(" europe/paris ", "Europe/Paris")]
    [InlineData("Etc/UTC", "Etc/UTC")]
    public void TryFind_IanaName_FindsThatZone(string name, string id)
    {
        Assert.True(GuildTimeZones.TryFind(name, out var zone, out var error), error);

        Assert.Null(error);
        Assert.Equal(id, zone.Id);
    }

    [Fact]
    public void TryFind_Utc_HasNoOffset()
    {
        Assert.True(GuildTimeZones.TryFind("UTC", out var zone, out _));
        Assert.Equal(TimeSpan.Zero, zone.GetUtcOffset(Utc("2026-07-01T12:00:00Z")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void TryFind_Nothing_IsUtc(string? name)
    {
        Assert.True(GuildTimeZones.TryFind(name, out var zone, out var error));

        Assert.Null(error);
        Assert.Same(GuildTimeZones.Utc, zone);
    }

    [Theory]
    [InlineData("Mars/Base")]
    [InlineData("Romance Standard Time")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    public void TryFind_UnknownName_SuggestsIanaNames(string name)
    {
        Assert.False(GuildTimeZones.TryFind(name, out var zone, out var error));

        Assert.Equal($"Unknown time zone '{name}': use an IANA name such as Europe/Paris or America/New_York.", error);
        Assert.Same(GuildTimeZones.Utc, zone);
    }

    [Fact]
    public void TryFind_VeryLongName_IsQuotedShortened()
    {
        Assert.False(GuildTimeZones.TryFind("Europe/" + new string('x', 3000), out _, out var error));

        Assert.Equal($"Unknown time zone 'Europe/{new string('x', 33)}…': use an IANA name such as Europe/Paris or America/New_York.", error);
    }

    [Fact]
    public void Format_ShowsLocalTimeAndZone()
    {
        Assert.Equal("2026-12-01 09:30 (Europe/Paris)", GuildTimeZones.Format(Utc("2026-12-01T08:30:00Z"), Paris));
        Assert.Equal("2026-07-01 03:30 (America/New_York)", GuildTimeZones.Format(Utc("2026-07-01T07:30:00Z"), NewYork));
        Assert.Equal("2026-12-01 08:30 (UTC)", GuildTimeZones.Format(Utc("2026-12-01T08:30:00Z"), GuildTimeZones.Utc));
    }
}
