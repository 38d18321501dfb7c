using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Features.Status;
using Serverless.Storage.Tables;

namespace Serverless.Storage.CompanionState;

/// <summary>
/// The companion's heartbeat in the <c>companion</c> table, one well-known row (PartitionKey <c>heartbeat</c>,
/// RowKey <c>current</c>) that each beat replaces: the latest state is all a reader needs. The shards are one JSON
/// column, so any number of them is still one row and one read.
/// </summary>
public sealed class TableCompanionHeartbeatStore(StorageAccount account) : ICompanionHeartbeatStore
{
    public const string TableName = "companion";
    public const string Partition = "heartbeat";
    public const string Row = "current";

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task WriteAsync(CompanionHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var shards = heartbeat.Shards.Select(shard => new ShardHeartbeatRow
        {
            ShardId = shard.ShardId,
            State = shard.State,
            LatencyMs = shard.LatencyMs,
            Problem = shard.Problem,
        }).ToList();
        var entity = new TableEntity(Partition, Row)
        {
            ["WrittenAt"] = heartbeat.WrittenAt,
            ["Instance"] = heartbeat.Instance,
            ["Lavalink"] = heartbeat.Lavalink,
            ["ActivePlayers"] = heartbeat.ActivePlayers,
            ["Shards"] = JsonSerializer.Serialize(shards, CompanionJsonContext.Default.ListShardHeartbeatRow),
        };
        if (heartbeat.LavalinkVersion is not null)
        {
            // Tables stores no nulls: a column left out reads back as null.
            entity["LavalinkVersion"] = heartbeat.LavalinkVersion;
        }

        await Table.WithTableAsync(() => Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }

    public async Task<CompanionHeartbeat?> ReadAsync(CancellationToken cancellationToken)
    {
        TableEntity row;
        try
        {
            var response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken);
            if (!response.HasValue || response.Value is null)
            {
                return null;
            }

            row = response.Value;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }

        if (row.GetDateTimeOffset("WrittenAt") is not { } writtenAt)
        {
            return null;
        }

        return new CompanionHeartbeat
        {
            WrittenAt = writtenAt,
            Instance = row.GetString("Instance") ?? "",
            Lavalink = row.GetString("Lavalink") ?? "",
            LavalinkVersion = row.GetString("LavalinkVersion"),
            ActivePlayers = row.GetInt32("ActivePlayers") ?? 0,
            Shards = ReadShards(row.GetString("Shards")),
        };
    }

    /// <summary>Tolerant: a column that cannot be read gives no shards, which reads as "0/0 shards ready", not a crash.</summary>
    private static List<ShardHeartbeat> ReadShards(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            var rows = JsonSerializer.Deserialize(json, CompanionJsonContext.Default.ListShardHeartbeatRow) ?? [];
            return [.. rows.Where(row => row.State is not null).Select(row => new ShardHeartbeat(row.ShardId, row.State!, row.LatencyMs, row.Problem))];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>One element of the heartbeat row's <c>Shards</c> column.</summary>
internal sealed class ShardHeartbeatRow
{
    [JsonPropertyName("shardId")]
    public int ShardId { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("latencyMs")]
    public double? LatencyMs { get; set; }

    [JsonPropertyName("problem")]
    public string? Problem { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<ShardHeartbeatRow>))]
internal sealed partial class CompanionJsonContext : JsonSerializerContext;
