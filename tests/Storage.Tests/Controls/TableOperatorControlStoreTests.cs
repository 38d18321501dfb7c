using Azure.Data.Tables;
using Serverless.Domain.Controls;
using Serverless.Storage.Controls;

namespace Serverless.Storage.Tests.Controls;

/// <summary>The operator controls tables against a private Azurite: every kind round-trips, replaces, removes; the audit lists newest first.</summary>
public sealed class TableOperatorControlStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 810000000000000000;

    private static ulong NewGuild() => (ulong)Interlocked.Increment(ref s_guild);

    private static ControlTarget Target(string text) =>
        ControlTarget.TryParse(text, out var target, out var problem) ? target : throw new ArgumentException(problem);

    private static KillSwitch Switch(string target, ulong? guild, string reason = "Maintenance, back soon.") => new()
    {
        Target = Target(target),
        GuildId = guild,
        Reason = reason,
        SetBy = ControlActor.Operator("alice"),
        SetAt = Now,
        ExpiresAt = Now.AddHours(2),
    };

    private TableOperatorControlStore NewStore() => new(azurite.Account);

    [Fact]
    public async Task EveryKind_RoundTrips_ThroughOneLoad()
    {
        var store = NewStore();
        var guild = NewGuild();
        var killSwitch = Switch("/schedule create", guild);
        var feature = Switch("feature:music", null) with { ExpiresAt = null };
        var block = new GuildBlock { GuildId = guild, Reason = "spam", BlockedBy = ControlActor.DiscordUser(42), BlockedAt = Now, ExpiresAt = Now.AddDays(7) };
        var limit = new LimitOverride
        {
            Subject = new LimitSubject(LimitSubjectKind.User, guild),
            Bucket = "music",
            Policy = new LimitPolicy(3, TimeSpan.FromSeconds(30)),
            Reason = "heavy user",
            SetBy = ControlActor.Operator("bob"),
            SetAt = Now,
        };

        await store.SetSwitchAsync(killSwitch, CancellationToken.None);
        await store.SetSwitchAsync(feature, CancellationToken.None);
        await store.BlockGuildAsync(block, CancellationToken.None);
        await store.SetLimitOverrideAsync(limit, CancellationToken.None);
        var snapshot = await store.LoadAsync(CancellationToken.None);

        Assert.Contains(killSwitch, snapshot.Switches);
        Assert.Contains(feature, snapshot.Switches);
        Assert.Contains(block, snapshot.Blocks);
        Assert.Contains(limit, snapshot.LimitOverrides);
        Assert.Equal(block, snapshot.FindBlock(guild, Now));
        Assert.Equal(killSwitch, snapshot.FindSwitch("schedule", "schedule create", guild, Now));
        Assert.Equal(limit, snapshot.FindOverride(limit.Subject, "music", Now));
    }

    [Fact]
    public async Task TheSameKey_IsReplaced_NotAdded()
    {
        var store = NewStore();
        var guild = NewGuild();

        await store.SetSwitchAsync(Switch("/ping", guild, "first"), CancellationToken.None);
        await store.SetSwitchAsync(Switch("/PING", guild, "second"), CancellationToken.None);
        await store.BlockGuildAsync(new GuildBlock { GuildId = guild, Reason = "one", BlockedBy = "ops:a", BlockedAt = Now }, CancellationToken.None);
        await store.BlockGuildAsync(new GuildBlock { GuildId = guild, Reason = "two", BlockedBy = "ops:a", BlockedAt = Now }, CancellationToken.None);
        var snapshot = await store.LoadAsync(CancellationToken.None);

        Assert.Equal("second", Assert.Single(snapshot.Switches, s => s.GuildId == guild).Reason);
        Assert.Equal("two", Assert.Single(snapshot.Blocks, b => b.GuildId == guild).Reason);
    }

    [Fact]
    public async Task Remove_ReturnsFalse_WhenNothingWasSet_AndTrueOnce()
    {
        var store = NewStore();
        var guild = NewGuild();
        await store.SetSwitchAsync(Switch("/ping", guild), CancellationToken.None);
        await store.BlockGuildAsync(new GuildBlock { GuildId = guild, Reason = "r", BlockedBy = "ops:a", BlockedAt = Now }, CancellationToken.None);

        Assert.True(await store.RemoveSwitchAsync(Target("/ping"), guild, CancellationToken.None));
        Assert.False(await store.RemoveSwitchAsync(Target("/ping"), guild, CancellationToken.None));
        Assert.False(await store.RemoveSwitchAsync(Target("/ping"), null, CancellationToken.None));
        Assert.True(await store.UnblockGuildAsync(guild, CancellationToken.None));
        Assert.False(await store.UnblockGuildAsync(guild, CancellationToken.None));
        var snapshot = await store.LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(snapshot.Switches, s => s.GuildId == guild);
        Assert.Null(snapshot.FindBlock(guild, Now));
    }

    [Fact]
    public async Task RemoveLimitOverrides_OneBucketOrAll_OfOnlyThatSubject()
    {
        var store = NewStore();
        var id = NewGuild();
        var user = new LimitSubject(LimitSubjectKind.User, id);
        var guildSubject = new LimitSubject(LimitSubjectKind.Guild, id);
        foreach (var (subject, bucket) in new[] { (user, "music"), (user, "schedule"), (user, "ping"), (guildSubject, "music") })
        {
            await store.SetLimitOverrideAsync(new LimitOverride
            {
                Subject = subject, Bucket = bucket, Policy = new LimitPolicy(1, TimeSpan.FromMinutes(1)), Reason = "r", SetBy = "ops:a", SetAt = Now,
            }, CancellationToken.None);
        }

        Assert.Equal(1, await store.RemoveLimitOverridesAsync(user, "music", CancellationToken.None));
        Assert.Equal(0, await store.RemoveLimitOverridesAsync(user, "music", CancellationToken.None));
        Assert.Equal(2, await store.RemoveLimitOverridesAsync(user, null, CancellationToken.None));
        var snapshot = await store.LoadAsync(CancellationToken.None);
        Assert.DoesNotContain(snapshot.LimitOverrides, o => o.Subject == user);
        Assert.Single(snapshot.LimitOverrides, o => o.Subject == guildSubject);
    }

    [Fact]
    public async Task KeysWithAwkwardCharacters_AreStoredSafely_AndReadBackAsWritten()
    {
        Assert.Equal("global|%2Fschedule create", TableOperatorControlStore.SwitchRowKey(Target("/schedule create"), null));
        Assert.Equal("a%2Fb%5Cc%23d%3Fe%25f%0A", TableOperatorControlStore.KeySafe("a/b\\c#d?e%f\n"));

        var store = NewStore();
        var id = NewGuild();
        var subject = new LimitSubject(LimitSubjectKind.Guild, id);
        var bucket = "odd/bucket#1?";
        await store.SetLimitOverrideAsync(new LimitOverride
        {
            Subject = subject, Bucket = bucket, Policy = new LimitPolicy(0, TimeSpan.FromSeconds(10)), Reason = "ü / # ?", SetBy = "ops:a", SetAt = Now,
        }, CancellationToken.None);
        await store.SetSwitchAsync(Switch("/music play-next", id, "Reason with / and # and ?"), CancellationToken.None);

        var snapshot = await store.LoadAsync(CancellationToken.None);
        var stored = Assert.Single(snapshot.LimitOverrides, o => o.Subject == subject);
        Assert.Equal(bucket, stored.Bucket);
        Assert.Equal("ü / # ?", stored.Reason);
        Assert.Equal("/music play-next", Assert.Single(snapshot.Switches, s => s.GuildId == id).Target.ToString());
        Assert.Equal(1, await store.RemoveLimitOverridesAsync(subject, bucket, CancellationToken.None));
    }

    [Fact]
    public async Task Audit_ListsNewestFirst_WithSinceAndMax()
    {
        // A table of its own: other tests of this class write audit entries too.
        await azurite.Account.Tables.DeleteTableAsync(TableOperatorControlStore.AuditTableName);
        var store = NewStore();
        Assert.Empty(await store.ListAuditAsync(null, 10, CancellationToken.None));
        var entries = Enumerable.Range(0, 6).Select(i => new ControlAuditEntry
        {
            At = Now.AddMinutes(i).AddTicks(i),
            Actor = ControlActor.DiscordUser(7),
            Action = ControlActions.FeatureDisabled,
            Target = "/ping",
            Reason = "reason " + i,
            Detail = i % 2 == 0 ? null : "everywhere",
        }).ToList();

        // Out of order, and two at the very same instant.
        foreach (var entry in entries.AsEnumerable().Reverse().Append(entries[3] with { Reason = "twin" }))
        {
            await store.AppendAuditAsync(entry, CancellationToken.None);
        }

        var all = await store.ListAuditAsync(null, 100, CancellationToken.None);
        Assert.Equal(7, all.Count);
        Assert.Equal(all.OrderByDescending(e => e.At).Select(e => e.At), all.Select(e => e.At));
        Assert.Equal(entries[5], all[0]);
        Assert.Contains(entries[3] with { Reason = "twin" }, all);

        var recent = await store.ListAuditAsync(Now.AddMinutes(3).AddTicks(3), 100, CancellationToken.None);
        Assert.Equal(4, recent.Count);
        Assert.All(recent, e => Assert.True(e.At >= entries[3].At));

        var two = await store.ListAuditAsync(null, 2, CancellationToken.None);
        Assert.Equal([entries[5], entries[4]], two);
    }

    [Fact]
    public async Task Load_BeforeAnyWrite_IsEmpty_AndWritesCreateTheTable()
    {
        await azurite.Account.Tables.DeleteTableAsync(TableOperatorControlStore.TableName);
        var store = NewStore();

        var empty = await store.LoadAsync(CancellationToken.None);
        Assert.Empty(empty.Switches);
        Assert.False(await store.UnblockGuildAsync(NewGuild(), CancellationToken.None));
        Assert.Equal(0, await store.RemoveLimitOverridesAsync(new LimitSubject(LimitSubjectKind.User, 1), null, CancellationToken.None));

        var guild = NewGuild();
        await store.BlockGuildAsync(new GuildBlock { GuildId = guild, Reason = "r", BlockedBy = "ops:a", BlockedAt = Now }, CancellationToken.None);
        Assert.NotNull((await store.LoadAsync(CancellationToken.None)).FindBlock(guild, Now));
        var row = await azurite.Account.Tables.GetTableClient(TableOperatorControlStore.TableName)
            .GetEntityAsync<TableEntity>(TableOperatorControlStore.BlockPartition, guild.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("r", row.Value.GetString("Reason"));
    }
}
