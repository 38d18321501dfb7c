using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Controls;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Controls;

/// <summary>
/// The operator controls in two tables:
/// <list type="bullet">
/// <item><c>operatorcontrols</c>: kill switches (PartitionKey <c>switch</c>, RowKey <c>{guild id or global}|{target}</c>),
/// guild blocks (<c>block</c>, guild id) and limit overrides (<c>limit</c>, <c>{subject}|{bucket}</c>). Small: every
/// instance reads the whole table in one query. Expired rows stay until replaced or removed; readers ignore them.</item>
/// <item><c>operatoraudit</c>: one partition, RowKey <c>{inverted ticks:D19}-{random}</c>, so the newest change comes
/// first and "since" is a key range.</item>
/// </list>
/// Table keys forbid <c>/ \ # ?</c> and control characters, and command targets contain <c>/</c>: key parts are
/// percent-encoded, and every row also keeps its values as plain properties (what readers use).
/// </summary>
public sealed class TableOperatorControlStore(StorageAccount account) : IOperatorControlStore
{
    public const string TableName = "operatorcontrols";
    public const string AuditTableName = "operatoraudit";
    public const string SwitchPartition = "switch";
    public const string BlockPartition = "block";
    public const string LimitPartition = "limit";
    public const string AuditPartition = "audit";
    private const string GlobalScope = "global";

    private TableClient? _controls;
    private TableClient? _audit;

    private TableClient Controls => _controls ??= account.Tables.GetTableClient(TableName);

    private TableClient Audit => _audit ??= account.Tables.GetTableClient(AuditTableName);

    /// <summary>The RowKey of a switch: <c>{guild id or global}|{target, key-safe}</c>.</summary>
    public static string SwitchRowKey(ControlTarget target, ulong? guildId) =>
        (guildId is { } guild ? Id(guild) : GlobalScope) + "|" + KeySafe(target.ToString());

    /// <summary>The RowKey of a limit override: <c>{subject}|{bucket, key-safe}</c>.</summary>
    public static string LimitRowKey(LimitSubject subject, string bucket) => subject + "|" + KeySafe(bucket);

    /// <summary>Percent-encodes what Table keys forbid (and <c>%</c> itself, so decoding stays unambiguous).</summary>
    public static string KeySafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public async Task<OperatorControlSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var switches = new List<KillSwitch>();
        var blocks = new List<GuildBlock>();
        var overrides = new List<LimitOverride>();
        try
        {
            // The whole table is the three partitions: one query, however many rows.
            await foreach (var row in Controls.QueryAsync<TableEntity>(filter: (string?)null, cancellationToken: cancellationToken))
            {
                switch (row.PartitionKey)
                {
                    case SwitchPartition when ToSwitch(row) is { } killSwitch:
                        switches.Add(killSwitch);
                        break;
                    case BlockPartition:
                        blocks.Add(ToBlock(row));
                        break;
                    case LimitPartition when ToOverride(row) is { } limitOverride:
                        overrides.Add(limitOverride);
                        break;
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return OperatorControlSnapshot.Empty;
        }

        return new OperatorControlSnapshot(switches, blocks, overrides);
    }

    public Task SetSwitchAsync(KillSwitch killSwitch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(killSwitch);
        var row = new TableEntity(SwitchPartition, SwitchRowKey(killSwitch.Target, killSwitch.GuildId))
        {
            ["Target"] = killSwitch.Target.ToString(),
            ["GuildId"] = killSwitch.GuildId is { } guild ? Id(guild) : null,
            ["Reason"] = killSwitch.Reason,
            ["SetBy"] = killSwitch.SetBy,
            ["SetAt"] = killSwitch.SetAt,
            ["ExpiresAt"] = killSwitch.ExpiresAt,
        };
        return UpsertAsync(Controls, row, cancellationToken);
    }

    public Task<bool> RemoveSwitchAsync(ControlTarget target, ulong? guildId, CancellationToken cancellationToken) =>
        DeleteAsync(Controls, SwitchPartition, SwitchRowKey(target, guildId), cancellationToken);

    public Task BlockGuildAsync(GuildBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        var row = new TableEntity(BlockPartition, Id(block.GuildId))
        {
            ["Reason"] = block.Reason,
            ["BlockedBy"] = block.BlockedBy,
            ["BlockedAt"] = block.BlockedAt,
            ["ExpiresAt"] = block.ExpiresAt,
        };
        return UpsertAsync(Controls, row, cancellationToken);
    }

    public Task<bool> UnblockGuildAsync(ulong guildId, CancellationToken cancellationToken) =>
        DeleteAsync(Controls, BlockPartition, Id(guildId), cancellationToken);

    public Task SetLimitOverrideAsync(LimitOverride limitOverride, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limitOverride);
        var row = new TableEntity(LimitPartition, LimitRowKey(limitOverride.Subject, limitOverride.Bucket))
        {
            ["Subject"] = limitOverride.Subject.ToString(),
            ["Bucket"] = limitOverride.Bucket,
            ["Capacity"] = limitOverride.Policy.Capacity,
            ["Per"] = limitOverride.Policy.Per.ToString("c", CultureInfo.InvariantCulture),
            ["Reason"] = limitOverride.Reason,
            ["SetBy"] = limitOverride.SetBy,
            ["SetAt"] = limitOverride.SetAt,
            ["ExpiresAt"] = limitOverride.ExpiresAt,
        };
        return UpsertAsync(Controls, row, cancellationToken);
    }

    public async Task<int> RemoveLimitOverridesAsync(LimitSubject subject, string? bucket, CancellationToken cancellationToken)
    {
        if (bucket is not null)
        {
            return await DeleteAsync(Controls, LimitPartition, LimitRowKey(subject, bucket), cancellationToken) ? 1 : 0;
        }

        // Every row key of the subject starts with "{subject}|"; '}' sorts right after '|'.
        var prefix = subject + "|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {LimitPartition} and RowKey ge {prefix} and RowKey lt {subject + "}"}");
        var removed = 0;
        try
        {
            await foreach (var row in Controls.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                if (await DeleteAsync(Controls, LimitPartition, row.RowKey, cancellationToken))
                {
                    removed++;
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return 0;
        }

        return removed;
    }

    public Task AppendAuditAsync(ControlAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new TableEntity(AuditPartition, AuditRowKey(entry.At))
        {
            ["At"] = entry.At,
            ["AtTicks"] = entry.At.UtcTicks,
            ["Actor"] = entry.Actor,
            ["Action"] = entry.Action,
            ["Target"] = entry.Target,
            ["Reason"] = entry.Reason,
            ["Detail"] = entry.Detail,
        };

        // Add, not upsert: the random suffix makes a clash vanishingly rare, and an audit entry is never overwritten.
        return Audit.WithTableAsync(() => Audit.AddEntityAsync(row, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<ControlAuditEntry>> ListAuditAsync(DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        var filter = since is { } from
            ? TableClient.CreateQueryFilter($"PartitionKey eq {AuditPartition} and RowKey lt {Inverted(from) + "~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {AuditPartition}");
        var entries = new List<ControlAuditEntry>(Math.Min(max, 1000));
        try
        {
            await foreach (var row in Audit.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
            {
                entries.Add(ToAudit(row));
                if (entries.Count == max)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return entries;
    }

    private static string Inverted(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static string AuditRowKey(DateTimeOffset at) =>
        Inverted(at) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong? ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static async Task UpsertAsync(TableClient table, TableEntity row, CancellationToken cancellationToken) =>
        await table.WithTableAsync(() => table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken), cancellationToken);

    private static async Task<bool> DeleteAsync(TableClient table, string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No such row, or no table yet: nothing was set.
            return false;
        }
    }

    /// <summary>Null for a row whose target no longer parses (written by a newer version): ignored rather than fatal.</summary>
    private static KillSwitch? ToSwitch(TableEntity row) =>
        ControlTarget.TryParse(row.GetString("Target"), out var target, out _)
            ? new KillSwitch
            {
                Target = target,
                GuildId = ParseId(row.GetString("GuildId")),
                Reason = row.GetString("Reason") ?? "",
                SetBy = row.GetString("SetBy") ?? "",
                SetAt = row.GetDateTimeOffset("SetAt") ?? DateTimeOffset.MinValue,
                ExpiresAt = row.GetDateTimeOffset("ExpiresAt"),
            }
            : null;

    private static GuildBlock ToBlock(TableEntity row) => new()
    {
        GuildId = ParseId(row.RowKey) ?? 0,
        Reason = row.GetString("Reason") ?? "",
        BlockedBy = row.GetString("BlockedBy") ?? "",
        BlockedAt = row.GetDateTimeOffset("BlockedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt"),
    };

    private static LimitOverride? ToOverride(TableEntity row)
    {
        if (!TryParseSubject(row.GetString("Subject"), out var subject)
            || !TimeSpan.TryParseExact(row.GetString("Per"), "c", CultureInfo.InvariantCulture, out var per))
        {
            return null;
        }

        return new LimitOverride
        {
            Subject = subject,
            Bucket = row.GetString("Bucket") ?? "",
            Policy = new LimitPolicy(row.GetInt32("Capacity") ?? 0, per),
            Reason = row.GetString("Reason") ?? "",
            SetBy = row.GetString("SetBy") ?? "",
            SetAt = row.GetDateTimeOffset("SetAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = row.GetDateTimeOffset("ExpiresAt"),
        };
    }

    private static bool TryParseSubject(string? text, out LimitSubject subject)
    {
        subject = default;
        var parts = (text ?? "").Split(':', 2);
        if (parts.Length != 2 || ParseId(parts[1]) is not { } id)
        {
            return false;
        }

        LimitSubjectKind? kind = parts[0] switch
        {
            "user" => LimitSubjectKind.User,
            "guild" => LimitSubjectKind.Guild,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        subject = new LimitSubject(kind.Value, id);
        return true;
    }

    private static ControlAuditEntry ToAudit(TableEntity row) => new()
    {
        // The ticks column is exact; the date-time column is for people browsing the table.
        At = row.GetInt64("AtTicks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
        Actor = row.GetString("Actor") ?? "",
        Action = row.GetString("Action") ?? "",
        Target = row.GetString("Target") ?? "",
        Reason = row.GetString("Reason") ?? "",
        Detail = row.GetString("Detail"),
    };
}
