using Serverless.Domain.Features.Oracle;
using Serverless.Storage.Oracle;

namespace Serverless.Storage.Tests.Oracle;

/// <summary>The oracle's rows against a private Azurite: slots listed across guilds, an edition claimed once, answers per week.</summary>
public sealed class TableOracleStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static long s_nextGuild = 840000000000000000;
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly OracleWeek Week = new(2026, 49);

    [Fact]
    public async Task TheEdition_IsClaimedOnce_ThenMarkedPlacedWithItsETag()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableOracleStore(azurite.Account);
        Assert.True(await store.TryWriteSetupAsync(new OracleSetup(guild, 5, DayOfWeek.Friday, 18), CancellationToken.None));
        Assert.Contains(await store.ListSetupsAsync(CancellationToken.None), setup => setup.GuildId == guild && setup is { Day: DayOfWeek.Friday, Hour: 18, ChannelId: 5 });

        Assert.True(await store.TryWriteEditionAsync(new OracleEdition(guild, Week, "Q?", 5, Now), CancellationToken.None));
        Assert.False(await store.TryWriteEditionAsync(new OracleEdition(guild, Week, "Other?", 5, Now), CancellationToken.None));
        var claimed = (await store.GetEditionAsync(guild, Week, CancellationToken.None))!;
        Assert.Equal(("Q?", false), (claimed.Prompt, claimed.Placed));
        Assert.True(await store.TryWriteEditionAsync(claimed with { Placed = true }, CancellationToken.None));
        Assert.False(await store.TryWriteEditionAsync(claimed with { Placed = true }, CancellationToken.None));
        Assert.True((await store.GetEditionAsync(guild, Week, CancellationToken.None))!.Placed);
    }

    [Fact]
    public async Task Answers_AreOnePerMemberPerWeek_AndListedByWeek()
    {
        var guild = (ulong)Interlocked.Increment(ref s_nextGuild);
        var store = new TableOracleStore(azurite.Account);
        Assert.True(await store.TryWriteAnswerAsync(new OracleAnswer(guild, Week, 1, "first", Now), CancellationToken.None));
        Assert.False(await store.TryWriteAnswerAsync(new OracleAnswer(guild, Week, 1, "racing", Now), CancellationToken.None));
        var mine = (await store.GetAnswerAsync(guild, Week, 1, CancellationToken.None))!;
        Assert.True(await store.TryWriteAnswerAsync(mine with { Text = "second" }, CancellationToken.None));
        Assert.True(await store.TryWriteAnswerAsync(new OracleAnswer(guild, new OracleWeek(2026, 50), 1, "next week", Now), CancellationToken.None));

        var answer = Assert.Single(await store.ListAnswersAsync(guild, Week, CancellationToken.None));
        Assert.Equal((1UL, "second"), (answer.UserId, answer.Text));
    }
}
