using System.Globalization;
using Azure.Data.Tables;
using Serverless.Storage.CompanionState;
using Serverless.Storage.Music;
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
    /// <summary>Written by the operator-control store (<c>TableOperatorControlStore.TableName</c>): kill switches, guild blocks, limit overrides.</summary>
    public const string OperatorControlsTable = "operatorcontrols";

    /// <summary>Written by the operator-control store (<c>TableOperatorControlStore.AuditTableName</c>): who changed which control, when and why.</summary>
    public const string OperatorAuditTable = "operatoraudit";

    /// <summary>Written by <c>TableCommandLimitStore.TableName</c>: the token buckets of per-user and per-guild command limits.</summary>
    public const string CommandLimitsTable = "commandlimits";

    public static IReadOnlyList<CatalogTable> Tables { get; } =
    [
        new(TableScheduledPostStore.PostsTable, true, "scheduled posts (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableScheduledPostStore.DueTable, true, "the scheduled posts' due index; without it restored posts would never publish", GuildRowFilter.Property("GuildId")),
        new(TableScheduledPostStore.SettingsTable, true, "guild settings: the schedule time zone (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(TableMusicSessionStore.TableName, true, "music sessions: queue, channels, volume (PartitionKey guild id)", GuildRowFilter.PartitionIsGuild),
        new(OperatorControlsTable, true, "operator state: kill switches, guild blocks, limit overrides; kept by guild purge (an operator's decision about a guild, undone with the control's own command)", null),
        new(OperatorAuditTable, true, "operator state: the audit record of every control change; kept by guild purge (it records the purge itself)", null),
        new(CommandLimitsTable, false, "token counts of command limits refill within a bucket's period, so a restored count is stale at once; overrides are in operatorcontrols", GuildRowFilter.MentionsGuild),
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

    /// <summary>
    /// The guild id appears as a whole number in PartitionKey or RowKey (<c>guild:ID</c>, <c>ID|bucket</c>), or in a
    /// <c>GuildId</c> column: snowflakes are unique across users, guilds and channels, so no other row can match.
    /// </summary>
    public static GuildRowFilter MentionsGuild { get; } = new(
        static _ => null,
        static (row, guild) => HasNumber(row.PartitionKey, guild) || HasNumber(row.RowKey, guild) || string.Equals(ColumnText(row, "GuildId"), Id(guild), StringComparison.Ordinal),
        needsProperties: true);

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

    private static string? ColumnText(TableEntity row, string column) => row.TryGetValue(column, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    private static bool HasNumber(string? key, ulong guild)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var id = Id(guild);
        for (var start = key.IndexOf(id, StringComparison.Ordinal); start >= 0; start = key.IndexOf(id, start + 1, StringComparison.Ordinal))
        {
            var end = start + id.Length;
            if ((start == 0 || !char.IsAsciiDigit(key[start - 1])) && (end == key.Length || !char.IsAsciiDigit(key[end])))
            {
                return true;
            }
        }

        return false;
    }
}
