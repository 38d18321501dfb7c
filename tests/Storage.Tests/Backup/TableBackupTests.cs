using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Serverless.Domain.Community;
using Serverless.Domain.Features.Duels;
using Serverless.Domain.Features.Hall;
using Serverless.Domain.Features.Raids;
using Serverless.Domain.Features.Music;
using Serverless.Domain.Features.Oracle;
using Serverless.Domain.Features.Pairs;
using Serverless.Domain.Features.ScheduledPosts;
using Serverless.Domain.Projections;
using Serverless.Storage.Backup;
using Serverless.Storage.Controls;
using Serverless.Storage.Duels;
using Serverless.Storage.Hall;
using Serverless.Storage.Raids;
using Serverless.Storage.Music;
using Serverless.Storage.Oracle;
using Serverless.Storage.Pairs;
using Serverless.Storage.Projections;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Storage.Tests.Backup;

/// <summary>Export, wipe, import against a private Azurite: every table comes back byte for byte; purge takes one guild only.</summary>
public sealed class TableBackupTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static long s_guild = 810000000000000000;

    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ulong NewGuild() => (ulong)Interlocked.Increment(ref s_guild);

    private string NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("backup-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private TableBackup Backup => new(azurite.Account);

    private TableScheduledPostStore Posts => new(azurite.Account);

    private async Task SeedGuildAsync(ulong guild)
    {
        await Posts.CreateAsync(Post(guild, "p1", Now.AddHours(1)), CancellationToken.None);
        await Posts.CreateAsync(Post(guild, "p2", Now.AddDays(2)), CancellationToken.None);
        await Posts.SetTimeZoneAsync(guild, "Europe/Paris", CancellationToken.None);
        var session = new MusicSession(guild, 11, 22);
        session.Enqueue([new MusicTrack { Encoded = "QAAA" + guild.ToString(CultureInfo.InvariantCulture), Title = "Título ♪", Author = "Artist", Length = TimeSpan.FromSeconds(200), RequesterId = 5 }]);
        await new TableMusicSessionStore(azurite.Account).SaveAsync(session, null, CancellationToken.None);
        await new TableDuelStore(azurite.Account).CreateAsync(DuelRules.Challenge(guild, "d1", 1, 2, Now, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await new TablePairStore(azurite.Account).TryUpdateAsync(PairRules.Invite(guild, "11", 1, 2, Now, TimeSpan.FromHours(1)), CancellationToken.None);
        await new TableOracleStore(azurite.Account).TryWriteSetupAsync(new OracleSetup(guild, 5, DayOfWeek.Friday, 18), CancellationToken.None);
        await new TableProjectionStore(azurite.Account).TryWriteAsync(new ProjectionState { Key = new ProjectionKey(guild, "duels", "scoreboard"), ChannelId = 5, Version = 3 }, CancellationToken.None);
        await new TableRaidStore(azurite.Account).TryStartAsync(RaidRules.Start(guild, "r1", "Dragon", 100, 5, 1, Now, TimeSpan.FromHours(1)), CancellationToken.None);
        await new TableHallStore(azurite.Account).TryWriteAsync(new HallState(guild, 5, new GuildMonth(2026, 12)), CancellationToken.None);
    }

    private static ScheduledPost Post(ulong guild, string id, DateTimeOffset due) => new()
    {
        Id = id,
        GuildId = guild,
        ChannelId = 5,
        Content = "hello ✨",
        Anchor = due,
        NextRunAt = due,
        CreatedBy = 1,
        CreatedAt = Now,
    };

    /// <summary>Rows of every EDM type, in a table whose layout the backup knows nothing about.</summary>
    private async Task SeedEveryTypeAsync()
    {
        var table = azurite.Account.Tables.GetTableClient(TableOperatorControlStore.TableName);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("typed", "row")
        {
            ["Text"] = "Título ♪",
            ["Int32"] = -5,
            ["Int64"] = (1L << 53) + 1,
            ["Double"] = 0.1 + 0.2,
            ["Whole"] = 2.0,
            ["Bool"] = false,
            ["When"] = new DateTimeOffset(2026, 12, 4, 23, 30, 15, TimeSpan.Zero).AddTicks(1234567),
            ["Id"] = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
        });
        var audit = azurite.Account.Tables.GetTableClient(TableOperatorControlStore.AuditTableName);
        await audit.CreateIfNotExistsAsync();
        await audit.UpsertEntityAsync(new TableEntity("2026-12", "0000000001") { ["Actor"] = "ops:alice", ["At"] = Now });
    }

    private async Task<BackupManifest> ExportAllAsync(string directory)
    {
        var entries = new List<BackupTableEntry>();
        foreach (var table in BackupCatalog.BackedUp)
        {
            entries.Add(await Backup.ExportAsync(table.Name, directory, null, CancellationToken.None));
        }

        var manifest = new BackupManifest { Format = BackupManifest.FormatId, Version = 1, CreatedAt = Now, SourceAccount = Backup.AccountName, Tables = entries };
        await manifest.WriteAsync(directory, CancellationToken.None);
        return manifest;
    }

    private async Task ImportAllAsync(string directory, BackupManifest manifest)
    {
        foreach (var entry in manifest.Tables)
        {
            Assert.Equal(entry.Rows, await Backup.ImportAsync(directory, entry, dryRun: false, null, CancellationToken.None));
        }
    }

    private async Task WipeAsync()
    {
        foreach (var table in BackupCatalog.BackedUp)
        {
            await azurite.Account.Tables.DeleteTableAsync(table.Name);
        }
    }

    /// <summary>Every row of every backed-up table: keys, each property's type and value, as the codec names them.</summary>
    private async Task<Dictionary<string, List<string>>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var table in BackupCatalog.BackedUp)
        {
            var rows = new List<string>();
            await azurite.Account.Tables.GetTableClient(table.Name).CreateIfNotExistsAsync();
            await foreach (var row in azurite.Account.Tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                rows.Add(Encoding.UTF8.GetString(EntityLineCodec.Encode(row)));
            }

            snapshot[table.Name] = rows;
        }

        return snapshot;
    }

    [Fact]
    public async Task ExportWipeImport_RestoresEveryTable_ByteForByte()
    {
        var guild = NewGuild();
        await SeedGuildAsync(guild);
        await SeedGuildAsync(NewGuild());
        await SeedEveryTypeAsync();
        var before = await SnapshotAsync();
        var first = NewDirectory();
        var manifest = await ExportAllAsync(first);

        await WipeAsync();
        Assert.All((await SnapshotAsync()).Values, Assert.Empty);
        await ImportAllAsync(first, manifest);

        Assert.Equal(before, await SnapshotAsync());
        Assert.All(BackupCatalog.BackedUp, table => Assert.NotEmpty(before[table.Name]));
        var second = NewDirectory();
        await ExportAllAsync(second);
        foreach (var entry in manifest.Tables)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(first, entry.File)), await File.ReadAllBytesAsync(Path.Combine(second, entry.File)));
        }

        // The types as the SDK reads them back, and the bot's own stores reading the restored rows.
        var typed = (await azurite.Account.Tables.GetTableClient(TableOperatorControlStore.TableName).GetEntityAsync<TableEntity>("typed", "row")).Value;
        Assert.Equal((1L << 53) + 1, Assert.IsType<long>(typed["Int64"]));
        Assert.Equal(2.0, Assert.IsType<double>(typed["Whole"]));
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, typed.GetBinary("Bytes"));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 23, 30, 15, TimeSpan.Zero).AddTicks(1234567), typed.GetDateTimeOffset("When"));
        Assert.Equal("hello ✨", (await Posts.GetAsync(guild, "p2", CancellationToken.None))!.Content);
        Assert.Equal("Europe/Paris", await Posts.GetTimeZoneAsync(guild, CancellationToken.None));
        Assert.Equal("Título ♪", (await new TableMusicSessionStore(azurite.Account).GetAsync(guild, CancellationToken.None))!.Session.Upcoming.Single().Title);
        var claimed = new List<PostClaim>();
        await Posts.ClaimDueAsync(Now.AddHours(2), TimeSpan.FromMinutes(2), (claim, _) => { lock (claimed) { claimed.Add(claim); } return Task.CompletedTask; }, CancellationToken.None);
        Assert.Contains(claimed, claim => claim.GuildId == guild && claim.PostId == "p1");
    }

    [Fact]
    public async Task ImportTwice_GivesTheSameTables()
    {
        await SeedGuildAsync(NewGuild());
        await SeedEveryTypeAsync();
        var directory = NewDirectory();
        var manifest = await ExportAllAsync(directory);

        await ImportAllAsync(directory, manifest);
        var once = await SnapshotAsync();
        await ImportAllAsync(directory, manifest);

        Assert.Equal(once, await SnapshotAsync());
    }

    [Fact]
    public async Task DryRunImport_CountsAndWritesNothing()
    {
        await SeedGuildAsync(NewGuild());
        var directory = NewDirectory();
        var manifest = await ExportAllAsync(directory);
        await WipeAsync();

        foreach (var entry in manifest.Tables)
        {
            Assert.Equal(entry.Rows, await Backup.ImportAsync(directory, entry, dryRun: true, null, CancellationToken.None));
        }

        Assert.All((await SnapshotAsync()).Values, Assert.Empty);
    }

    [Fact]
    public async Task Purge_DeletesOneGuildsRows_InEveryTable_AndLeavesAnothersAndTheControls()
    {
        var purged = NewGuild();
        var kept = NewGuild();
        await SeedGuildAsync(purged);
        await SeedGuildAsync(kept);
        var limits = azurite.Account.Tables.GetTableClient(TableCommandLimitStore.TableName);
        await limits.CreateIfNotExistsAsync();
        await limits.UpsertEntityAsync(new TableEntity($"guild:{purged}", "schedule") { ["Tokens"] = 2.0 });
        await limits.UpsertEntityAsync(new TableEntity($"guild:{kept}", "schedule") { ["Tokens"] = 2.0 });
        await limits.UpsertEntityAsync(new TableEntity($"user:{purged}", "schedule") { ["Tokens"] = 2.0 });
        var controls = azurite.Account.Tables.GetTableClient(TableOperatorControlStore.TableName);
        await controls.CreateIfNotExistsAsync();
        await controls.UpsertEntityAsync(new TableEntity("block", purged.ToString(CultureInfo.InvariantCulture)) { ["Reason"] = "abuse" });
        var purge = new GuildDataPurge(azurite.Account);

        var counted = await purge.CountAsync(purged, CancellationToken.None);
        var deleted = await purge.PurgeAsync(purged, null, CancellationToken.None);

        Assert.Equal(counted, deleted);
        Assert.Equal(
            [("scheduledposts", 2L), ("scheduledpostsdue", 2L), ("guildsettings", 1L), ("duels", 1L), ("raids", 2L), ("hall", 1L), ("pairs", 1L), ("oracle", 1L), ("projections", 1L), ("musicsessions", 1L), ("commandlimits", 1L)],
            deleted.Select(c => (c.Table, c.Rows)));
        Assert.All(await purge.CountAsync(purged, CancellationToken.None), c => Assert.Equal(0, c.Rows));
        Assert.All(await purge.CountAsync(kept, CancellationToken.None), c => Assert.Equal(c.Table is "scheduledposts" or "scheduledpostsdue" or "raids" ? 2 : 1, c.Rows));
        Assert.Null(await Posts.GetAsync(purged, "p1", CancellationToken.None));
        Assert.NotNull(await Posts.GetAsync(kept, "p1", CancellationToken.None));
        Assert.True((await controls.GetEntityIfExistsAsync<TableEntity>("block", purged.ToString(CultureInfo.InvariantCulture))).HasValue);
    }
}
