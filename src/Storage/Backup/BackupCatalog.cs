using System.Globalization;
using Azure.Data.Tables;
using Serverless.Domain.Controls;
using Serverless.Storage.CompanionState;
using Serverless.Storage.Controls;
using Serverless.Storage.Duels;
using Serverless.Storage.Hall;
using Serverless.Storage.Raids;
using Serverless.Storage.Music;
using Serverless.Storage.Oracle;
using Serverless.Storage.Pairs;
using Serverless.Storage.Projections;
using Serverless.Storage.RateLimiting;
using Serverless.Storage.ScheduledPosts;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Backup;

/// <summary>
/// Every table the bot keeps, each either backed up or excluded with its reason, and how to find one guild's rows in
/// it. One list, so a new table cannot be forgotten silently: a test checks it against every table name in this project.
/// </summary>
public static class BackupCatalog
{
    public static IReadOnlyList<CatalogTable> Tables { get; } =
    [
        new(TableScheduledPostStore.PostsTable, true, "scheduled posts (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableScheduledPostStore.DueTable, true, "the scheduled posts' due index; without it restored posts would never publish", GuildRowFilter.Property("GuildId")),
        new(TableScheduledPostStore.SettingsTable, true, "guild settings: the schedule time zone (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableDuelStore.TableName, true, "duels and the members' duel ratings (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableRaidStore.TableName, true, "raids, their attacks and the members' raid damage (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableHallStore.TableName, true, "the monthly hall's channel and its archived months (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TablePairStore.TableName, true, "pairs, members' pair pointers and the pairs' monthly days together (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableOracleStore.TableName, true, "the weekly oracle: each guild's slot, weekly prompts and members' answers (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableProjectionStore.TableName, true, "dashboards: where each lives and what it showed (PartitionKey guild id); after a restore, `projections rebuild --all` makes them current", GuildRowFilter.PartitionIsGuild),
        new(TableMusicSessionStore.TableName, true, "music sessions: queue, channels, volume (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableOperatorControlStore.TableName, true, "operator state: kill switches, guild blocks, limit overrides; kept by guild purge (an operator's decision about a guild, undone with the control's own command)", null),
        new(TableOperatorControlStore.AuditTableName, true, "operator state: the audit record of every control change; kept by guild purge (it records the purge itself)", null),
        new(TableCommandLimitStore.TableName, false, "token counts of command limits refill within a bucket's period, so a restored count is stale at once; overrides are in operatorcontrols", GuildRowFilter.PartitionIsGuildLimits),
        new(TableInteractionLedger.TableName, false, "transient: which interactions already ran, keyed by interaction id, swept after a retention period", null),
        new(TableRateLimitStore.TableName, false, "transient: Discord's rate-limit buckets, learned again from Discord's answers", null),
        new(TableGatewaySessionStore.TableName, false, "transient: the gateway session to resume; a restored one is stale and would be refused", null),
        new(TableCompanionHeartbeatStore.TableName, false, "transient: the companion's heartbeat, Lavalink session and lease; restoring them would fake a live companion", null),
    ];

    /// <summary>The tables a backup holds, in the order they are exported and imported.</summary>
    public static IReadOnlyList<CatalogTable> BackedUp { get; } = [.. Tables.Where(table => table.BackedUp)];

    /// <summary>The tables that hold rows of one guild, for <c>guild purge</c>.</summary>
    public static IReadOnlyList<CatalogTable> WithGuildRows { get; } = [.. Tables.Where(table => table.GuildRows is not null)];

    public static CatalogTable? Find(string name) => Tables.FirstOrDefault(table => string.Equals(table.Name, name, StringComparison.Ordinal));
}

/// <param name="BackedUp">False: excluded from backups, for the reason <paramref name="Holds"/> gives.</param>
/// <param name="Holds">What the table holds, and why it is excluded when it is.</param>
/// <param name="GuildRows">How to find one guild's rows; null when the table holds no guild's data (or keeps it on purpose).</param>
public sealed record CatalogTable(string Name, bool BackedUp, string Holds, GuildRowFilter? GuildRows);

/// <summary>
/// One guild's rows in a table: a server-side filter when the key layout allows one, and a check of each row read
/// when it does not (a table whose layout belongs to another store is scanned whole and judged row by row).
/// </summary>
public sealed class GuildRowFilter
{
    private readonly Func<ulong, string?> _serverFilter;
    private readonly Func<TableEntity, ulong, bool> _matches;

    private GuildRowFilter(Func<ulong, string?> serverFilter, Func<TableEntity, ulong, bool> matches, bool needsProperties)
    {
        _serverFilter = serverFilter;
        _matches = matches;
        NeedsProperties = needsProperties;
    }

    /// <summary>PartitionKey is the guild id.</summary>
    public static GuildRowFilter PartitionIsGuild { get; } = new(
        guild => TableClient.CreateQueryFilter($"PartitionKey eq {Id(guild)}"),
        static (_, _) => true,
        needsProperties: false);

    /// <summary>PartitionKey is the guild's command-limit subject, <c>guild:ID</c> (<see cref="LimitSubject"/>); its members' own buckets are theirs, not the guild's.</summary>
    public static GuildRowFilter PartitionIsGuildLimits { get; } = new(
        guild => TableClient.CreateQueryFilter($"PartitionKey eq {new LimitSubject(LimitSubjectKind.Guild, guild).ToString()}"),
        static (_, _) => true,
        needsProperties: false);

    /// <summary>Whether a row must be read whole to be judged (else its keys suffice).</summary>
    public bool NeedsProperties { get; }

    /// <summary>A column holds the guild id, as text.</summary>
    public static GuildRowFilter Property(string column) => new(
        // The id is digits only, so it needs no escaping; the column name is ours.
        guild => $"{column} eq '{Id(guild)}'",
        static (_, _) => true,
        needsProperties: false);

    public string? ServerFilter(ulong guildId) => _serverFilter(guildId);

    public bool Matches(TableEntity row, ulong guildId) => _matches(row, guildId);

    private static string Id(ulong guild) => guild.ToString(CultureInfo.InvariantCulture);
}
