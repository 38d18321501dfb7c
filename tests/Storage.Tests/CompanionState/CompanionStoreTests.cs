using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Domain.Features.Status;
using Serverless.Ports.Sessions;
using Serverless.Storage.CompanionState;

namespace Serverless.Storage.Tests.CompanionState;

public sealed class CompanionStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset SavedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every test starts from an account with neither table, as a fresh deployment has.</summary>
    public async Task InitializeAsync()
    {
        await azurite.Account.Tables.DeleteTableAsync(TableGatewaySessionStore.TableName);
        await azurite.Account.Tables.DeleteTableAsync(TableCompanionHeartbeatStore.TableName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GatewaySession_BeforeAnyWasSaved_LoadsNull()
    {
        var store = new TableGatewaySessionStore(azurite.Account);

        Assert.Null(await store.LoadAsync(0, 1, CancellationToken.None));
    }

    [Fact]
    public async Task GatewaySession_RoundTrips_OneRowPerShard()
    {
        var store = new TableGatewaySessionStore(azurite.Account);
        var first = Session(shardId: 0, shardCount: 2, sequence: 41);
        var second = Session(shardId: 1, shardCount: 2, sequence: 7) with { SessionId = "session-b" };

        await store.SaveAsync(first, CancellationToken.None);
        await store.SaveAsync(second, CancellationToken.None);

        Assert.Equal(first, await store.LoadAsync(0, 2, CancellationToken.None));
        Assert.Equal(second, await store.LoadAsync(1, 2, CancellationToken.None));
        var rows = await azurite.Account.Tables.GetTableClient(TableGatewaySessionStore.TableName).QueryAsync<TableEntity>().ToListAsync();
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task GatewaySession_SavedAgain_ReplacesTheShardsRow()
    {
        var store = new TableGatewaySessionStore(azurite.Account);
        await store.SaveAsync(Session(0, 1, sequence: 41), CancellationToken.None);

        var later = Session(0, 1, sequence: 1200) with { ResumeGatewayUrl = "wss://gateway-us-east1-c.discord.gg", SavedAt = SavedAt.AddMinutes(3) };
        await store.SaveAsync(later, CancellationToken.None);

        Assert.Equal(later, await store.LoadAsync(0, 1, CancellationToken.None));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task GatewaySession_SavedForAnotherShardCount_LoadsNull(int shardCount)
    {
        var store = new TableGatewaySessionStore(azurite.Account);
        await store.SaveAsync(Session(0, shardCount: 2, sequence: 41), CancellationToken.None);

        Assert.Null(await store.LoadAsync(0, shardCount, CancellationToken.None));
    }

    [Fact]
    public async Task GatewaySession_Cleared_LoadsNull_AndOtherShardsKeepTheirs()
    {
        var store = new TableGatewaySessionStore(azurite.Account);
        await store.SaveAsync(Session(0, 2, sequence: 41), CancellationToken.None);
        await store.SaveAsync(Session(1, 2, sequence: 9), CancellationToken.None);

        await store.ClearAsync(0, CancellationToken.None);

        Assert.Null(await store.LoadAsync(0, 2, CancellationToken.None));
        Assert.NotNull(await store.LoadAsync(1, 2, CancellationToken.None));
    }

    [Fact]
    public async Task GatewaySession_ClearingWhatIsNotThere_IsNoError()
    {
        var store = new TableGatewaySessionStore(azurite.Account);

        // No table yet, then a table without the row.
        await store.ClearAsync(3, CancellationToken.None);
        await store.SaveAsync(Session(0, 1, sequence: 1), CancellationToken.None);
        await store.ClearAsync(3, CancellationToken.None);

        Assert.NotNull(await store.LoadAsync(0, 1, CancellationToken.None));
    }

    [Fact]
    public async Task Heartbeat_BeforeAnyWasWritten_ReadsNull()
    {
        var store = new TableCompanionHeartbeatStore(azurite.Account);

        Assert.Null(await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Heartbeat_RoundTrips_WithEveryShard()
    {
        var store = new TableCompanionHeartbeatStore(azurite.Account);
        var heartbeat = Heartbeat();

        await store.WriteAsync(heartbeat, CancellationToken.None);
        var read = await store.ReadAsync(CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(heartbeat.WrittenAt, read.WrittenAt);
        Assert.Equal(heartbeat.Instance, read.Instance);
        Assert.Equal(heartbeat.Lavalink, read.Lavalink);
        Assert.Equal(heartbeat.LavalinkVersion, read.LavalinkVersion);
        Assert.Equal(heartbeat.ActivePlayers, read.ActivePlayers);
        Assert.Equal(heartbeat.Shards, read.Shards);
    }

    [Fact]
    public async Task Heartbeat_IsOneWellKnownRow_ThatEachBeatReplaces()
    {
        var store = new TableCompanionHeartbeatStore(azurite.Account);
        await store.WriteAsync(Heartbeat(), CancellationToken.None);

        var next = Heartbeat() with
        {
            WrittenAt = SavedAt.AddSeconds(20),
            Shards = [new ShardHeartbeat(0, "resuming", null)],
            Lavalink = "unavailable",
            LavalinkVersion = null,
            ActivePlayers = 0,
        };
        await store.WriteAsync(next, CancellationToken.None);
        var read = await store.ReadAsync(CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(next.WrittenAt, read.WrittenAt);
        Assert.Equal(next.Shards, read.Shards);
        Assert.Equal("unavailable", read.Lavalink);
        Assert.Null(read.LavalinkVersion);
        Assert.Equal(0, read.ActivePlayers);
        var row = Assert.Single(await azurite.Account.Tables.GetTableClient(TableCompanionHeartbeatStore.TableName).QueryAsync<TableEntity>().ToListAsync());
        Assert.Equal((TableCompanionHeartbeatStore.Partition, TableCompanionHeartbeatStore.Row), (row.PartitionKey, row.RowKey));
    }

    [Fact]
    public async Task Heartbeat_WithAShardsColumnThatIsNotJson_ReadsWithNoShards()
    {
        var table = azurite.Account.Tables.GetTableClient(TableCompanionHeartbeatStore.TableName);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity(TableCompanionHeartbeatStore.Partition, TableCompanionHeartbeatStore.Row)
        {
            ["WrittenAt"] = SavedAt,
            ["Instance"] = "old",
            ["Lavalink"] = "ok",
            ["Shards"] = "not json",
        });

        var read = await new TableCompanionHeartbeatStore(azurite.Account).ReadAsync(CancellationToken.None);

        Assert.NotNull(read);
        Assert.Empty(read.Shards);
    }

    [Fact]
    public void AddStorage_RegistersBothStores()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccount.SettingName] = azurite.Server.ConnectionString })
            .Build();
        var services = new ServiceCollection().AddStorage(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(IGatewaySessionStore) && d.ImplementationType == typeof(TableGatewaySessionStore));
        Assert.Contains(services, d => d.ServiceType == typeof(ICompanionHeartbeatStore) && d.ImplementationType == typeof(TableCompanionHeartbeatStore));
        Assert.Contains(services, d => d.ServiceType == typeof(ILavalinkSessionStore) && d.ImplementationType == typeof(TableLavalinkSessionStore));
    }

    [Fact]
    public async Task LavalinkSession_IsNullOnAFreshAccount_ThenTheLastSavedId_BesideTheHeartbeat()
    {
        var sessions = new TableLavalinkSessionStore(azurite.Account);
        var heartbeats = new TableCompanionHeartbeatStore(azurite.Account);

        Assert.Null(await sessions.LoadAsync(CancellationToken.None));
        await sessions.SaveAsync("xtaug914v9k5032f", CancellationToken.None);
        await heartbeats.WriteAsync(Heartbeat(), CancellationToken.None);
        await sessions.SaveAsync("k2mb0c8x1q7z9w4e", CancellationToken.None);

        Assert.Equal("k2mb0c8x1q7z9w4e", await sessions.LoadAsync(CancellationToken.None));
        Assert.Equal("companion-7c9f/1", (await heartbeats.ReadAsync(CancellationToken.None))?.Instance);
    }

    private static GatewaySession Session(int shardId, int shardCount, long sequence) =>
        new(shardId, shardCount, "session-a", "wss://gateway-us-east1-b.discord.gg", sequence, SavedAt);

    private static CompanionHeartbeat Heartbeat() => new()
    {
        WrittenAt = SavedAt,
        Instance = "companion-7c9f/1",
        Shards = [new ShardHeartbeat(0, "ready", 41.5), new ShardHeartbeat(1, "failed", null, "Authentication failed (4004)")],
        Lavalink = "ok",
        LavalinkVersion = "4.2.2",
        ActivePlayers = 2,
    };
}
