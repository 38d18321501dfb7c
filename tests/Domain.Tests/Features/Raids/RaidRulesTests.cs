using Serverless.Domain.Community;
using Serverless.Domain.Features.Raids;

namespace Serverless.Domain.Tests.Features.Raids;

public sealed class RaidRulesTests
{
    private static readonly RaidOptions Options = new();
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Damage_IsTheSameForTheSameInteraction_AndWithinTheRange()
    {
        var damages = Enumerable.Range(1, 500).Select(i => RaidRules.Damage(1_300_000_000_000_000_000UL + (ulong)i, Options)).ToList();

        Assert.All(damages, damage => Assert.InRange(damage, Options.MinDamage, Options.MaxDamage));
        Assert.Equal(RaidRules.Damage(42, Options), RaidRules.Damage(42, Options));
        Assert.True(damages.Distinct().Count() > 50, "damage should vary between interactions");
    }

    [Fact]
    public void Damage_WithAOnePointRange_IsThatPoint()
    {
        Assert.Equal(7, RaidRules.Damage(99, new RaidOptions { MinDamage = 7, MaxDamage = 7 }));
    }

    [Fact]
    public void Cooldown_CountsFromTheLastAttack_AndEndsExactlyAtIt()
    {
        var cooldown = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.Zero, RaidRules.CooldownLeft(null, Now, cooldown));
        Assert.Equal(TimeSpan.FromSeconds(20), RaidRules.CooldownLeft(Now - TimeSpan.FromSeconds(10), Now, cooldown));
        Assert.Equal(TimeSpan.Zero, RaidRules.CooldownLeft(Now - cooldown, Now, cooldown));
        Assert.Equal(TimeSpan.Zero, RaidRules.CooldownLeft(Now - TimeSpan.FromHours(1), Now, cooldown));
    }

    [Fact]
    public void TheAttackThatReachesTheGoal_WinsTheRaid_InThatMonth()
    {
        var raid = Start(goal: 100) with { Total = 60 };
        var month = new GuildMonth(2026, 12);

        var short_ = RaidRules.Attack(raid, 39, Now, month);
        var won = RaidRules.Attack(raid, 40, Now, month);

        Assert.Equal((RaidStatus.Active, 99L, (GuildMonth?)null), (short_.Status, short_.Total, short_.EndedMonth));
        Assert.Equal((RaidStatus.Won, 100L, Now, (GuildMonth?)month), (won.Status, won.Total, won.EndedAt, won.EndedMonth));
        Assert.Throws<InvalidOperationException>(() => RaidRules.Attack(won, 1, Now, month));
    }

    [Fact]
    public void ARaidPastItsTime_EndsAtItsEndTime_InTheGuildMonthOfThatTime()
    {
        // 23:30 UTC on 31 December is already January in Paris: the raid belongs to January's hall there.
        var raid = Start(goal: 100) with { EndsAt = new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero) };
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

        Assert.False(RaidRules.IsOverdue(raid, raid.EndsAt - TimeSpan.FromSeconds(1)));
        Assert.True(RaidRules.IsOverdue(raid, raid.EndsAt));
        var ended = RaidRules.Expire(raid, paris);
        Assert.Equal((RaidStatus.TimeRanOut, raid.EndsAt, (GuildMonth?)new GuildMonth(2027, 1)), (ended.Status, ended.EndedAt, ended.EndedMonth));
        Assert.Equal(new GuildMonth(2026, 12), RaidRules.Expire(raid, TimeZoneInfo.Utc).EndedMonth);
        Assert.False(RaidRules.IsOverdue(ended, raid.EndsAt + TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData("", 100, 60, "Give the raid a name.")]
    [InlineData("Dragon", 0, 60, "The goal is 1 to 1,000,000,000 damage.")]
    [InlineData("Dragon", 100, 4, "A raid lasts 5 minutes to 14 days.")]
    [InlineData("Dragon", 100, 20161, "A raid lasts 5 minutes to 14 days.")]
    [InlineData("Dragon", 100, 5, null)]
    [InlineData("Dragon", 100, 20160, null)]
    public void Start_IsBoundedByNameGoalAndDuration(string name, long goal, int minutes, string? refusal)
    {
        Assert.Equal(refusal, RaidRules.StartRefusal(name, goal, TimeSpan.FromMinutes(minutes), Options));
    }

    [Fact]
    public void Start_RefusesALongName()
    {
        Assert.NotNull(RaidRules.StartRefusal(new string('x', RaidRules.MaxNameLength + 1), 100, TimeSpan.FromHours(1), Options));
    }

    internal static Raid Start(long goal) => RaidRules.Start(1, "10", "Dragon", goal, 5, 7, Now, TimeSpan.FromHours(1));
}
