using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Serverless.Domain.Features.Music;
using Serverless.Storage.Tables;

namespace Serverless.Storage.Music;

/// <summary>
/// Music sessions in table <c>musicsessions</c>: PartitionKey guild id, RowKey <c>session</c>, one row per guild.
/// Channels, volume, position and state are plain columns (readable in Storage Explorer); the tracks, the current one
/// and the shuffle-undo snapshot are one JSON document split over string columns <c>Body00</c>…<c>Body15</c> of at
/// most <see cref="ChunkCharacters"/> characters each, because Tables allows 64 KiB (32 Ki UTF-16 characters) per
/// property and 1 MiB per row. <see cref="MusicSession.MaxStoredTrackCharacters"/> keeps the document under
/// <see cref="MaxBodyCharacters"/>; a session that still does not fit is refused with
/// <see cref="MusicSessionTooLargeException"/> rather than cut silently. Every write is ETag-guarded.
/// </summary>
public sealed class TableMusicSessionStore(StorageAccount account) : IMusicSessionStore
{
    public const string TableName = "musicsessions";
    public const string SessionRow = "session";
    public const int ChunkCharacters = 30_000;
    public const int MaxChunks = 16;
    public const int MaxBodyCharacters = ChunkCharacters * MaxChunks;
    private const int FormatVersion = 1;

    private static readonly MusicStorageJsonContext Json = new(new JsonSerializerOptions
    {
        // Titles in any script stay one character each instead of a six-character escape.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    private TableClient? _table;

    private TableClient Table => _table ??= account.Tables.GetTableClient(TableName);

    public async Task<StoredMusicSession?> GetAsync(ulong guildId, CancellationToken cancellationToken)
    {
        try
        {
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(Key(guildId), SessionRow, cancellationToken: cancellationToken);
            return found.HasValue ? new StoredMusicSession(ToSession(guildId, found.Value!), found.Value!.ETag.ToString()) : null;
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return null;
        }
    }

    public async Task<string> SaveAsync(MusicSession session, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var entity = ToEntity(session);
        try
        {
            var response = expectedVersion is null
                ? await Table.WithTableAsync(() => Table.AddEntityAsync(entity, cancellationToken), cancellationToken)
                : await Table.UpdateEntityAsync(entity, new ETag(expectedVersion), TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Tables answered a write without an ETag.");
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412 or 404 && !TableClientExtensions.IsTableNotFound(exception))
        {
            // 409: created meanwhile; 412: changed meanwhile; 404: deleted meanwhile.
            throw new MusicSessionConflictException(session.GuildId, exception);
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            // An update of a row in a table that does not exist: the session it was read from is gone.
            throw new MusicSessionConflictException(session.GuildId, exception);
        }
    }

    public async Task DeleteAsync(ulong guildId, string? expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(Key(guildId), SessionRow, expectedVersion is null ? ETag.All : new ETag(expectedVersion), cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Gone already (or no table yet): leaving twice is fine.
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            throw new MusicSessionConflictException(guildId, exception);
        }
    }

    public async Task<IReadOnlyList<ulong>> ListActiveGuildsAsync(CancellationToken cancellationToken)
    {
        var guilds = new List<ulong>();
        try
        {
            await foreach (var row in Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey eq {SessionRow}"),
                select: ["PartitionKey"],
                cancellationToken: cancellationToken))
            {
                if (ulong.TryParse(row.PartitionKey, NumberStyles.None, CultureInfo.InvariantCulture, out var guildId))
                {
                    guilds.Add(guildId);
                }
            }
        }
        catch (RequestFailedException exception) when (TableClientExtensions.IsTableNotFound(exception))
        {
            return [];
        }

        return guilds;
    }

    internal static TableEntity ToEntity(MusicSession session)
    {
        var body = JsonSerializer.Serialize(
            new MusicSessionBody
            {
                Current = session.Current is { } current ? ToRecord(current) : null,
                Upcoming = [.. session.Upcoming.Select(ToRecord)],
                ShuffleUndo = session.ShuffleUndo is { } undo ? [.. undo] : null,
            },
            Json.MusicSessionBody);
        if (body.Length > MaxBodyCharacters)
        {
            throw new MusicSessionTooLargeException(session.GuildId, body.Length);
        }

        var entity = new TableEntity(Key(session.GuildId), SessionRow)
        {
            ["Format"] = FormatVersion,
            ["VoiceChannelId"] = Key(session.VoiceChannelId),
            ["TextChannelId"] = Key(session.TextChannelId),
            ["NowPlayingMessageId"] = session.NowPlayingMessageId is { } message ? Key(message) : null,
            ["PositionMs"] = session.PositionMs,
            ["PositionUpdatedAt"] = session.PositionUpdatedAt,
            ["Volume"] = session.Volume,
            ["Paused"] = session.Paused,
            ["NextEntryId"] = session.NextEntryId,
            ["TrackCount"] = session.TrackCount,
        };
        var chunks = 0;
        for (var start = 0; start < body.Length; start += ChunkCharacters)
        {
            entity[ChunkName(chunks++)] = body.Substring(start, Math.Min(ChunkCharacters, body.Length - start));
        }

        entity["BodyChunks"] = chunks;
        return entity;
    }

    internal static MusicSession ToSession(ulong guildId, TableEntity entity)
    {
        var chunks = entity.GetInt32("BodyChunks") ?? 0;
        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString(ChunkName(i)));
        }

        var body = json.Length == 0 ? new MusicSessionBody() : JsonSerializer.Deserialize(json.ToString(), Json.MusicSessionBody) ?? new MusicSessionBody();
        return MusicSession.Restore(new MusicSessionSnapshot
        {
            GuildId = guildId,
            VoiceChannelId = ParseId(entity.GetString("VoiceChannelId")) ?? 0,
            TextChannelId = ParseId(entity.GetString("TextChannelId")) ?? 0,
            NowPlayingMessageId = ParseId(entity.GetString("NowPlayingMessageId")),
            Current = body.Current is { } current ? FromRecord(current) : null,
            Upcoming = [.. body.Upcoming.Select(FromRecord)],
            ShuffleUndo = body.ShuffleUndo,
            PositionMs = entity.GetInt64("PositionMs") ?? 0,
            PositionUpdatedAt = entity.GetDateTimeOffset("PositionUpdatedAt") ?? DateTimeOffset.MinValue,
            Volume = entity.GetInt32("Volume") ?? MusicVolume.Default,
            Paused = entity.GetBoolean("Paused") ?? false,
            NextEntryId = entity.GetInt64("NextEntryId") ?? 1,
        });
    }

    private static string ChunkName(int index) => "Body" + index.ToString("00", CultureInfo.InvariantCulture);

    private static string Key(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong? ParseId(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static MusicTrackRecord ToRecord(MusicTrack track) => new()
    {
        Encoded = track.Encoded,
        Title = track.Title,
        Author = track.Author,
        LengthMs = (long)track.Length.TotalMilliseconds,
        Uri = track.Uri,
        IsStream = track.IsStream,
        RequesterId = Key(track.RequesterId),
        EntryId = track.EntryId,
    };

    private static MusicTrack FromRecord(MusicTrackRecord record) => new()
    {
        Encoded = record.Encoded,
        Title = record.Title,
        Author = record.Author,
        Length = TimeSpan.FromMilliseconds(record.LengthMs),
        Uri = record.Uri,
        IsStream = record.IsStream,
        RequesterId = ParseId(record.RequesterId) ?? 0,
        EntryId = record.EntryId,
    };
}

/// <summary>A session whose tracks do not fit in one table row even after the domain's limits; nothing was written.</summary>
public sealed class MusicSessionTooLargeException : Exception
{
    public MusicSessionTooLargeException()
    {
    }

    public MusicSessionTooLargeException(string message)
        : base(message)
    {
    }

    public MusicSessionTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MusicSessionTooLargeException(ulong guildId, int characters)
        : base($"The music session of guild {guildId} needs {characters} characters of track data; a row holds {TableMusicSessionStore.MaxBodyCharacters}.")
    {
    }
}

internal sealed class MusicSessionBody
{
    [JsonPropertyName("current")]
    public MusicTrackRecord? Current { get; set; }

    [JsonPropertyName("upcoming")]
    public List<MusicTrackRecord> Upcoming { get; set; } = [];

    [JsonPropertyName("shuffleUndo")]
    public List<long>? ShuffleUndo { get; set; }
}

internal sealed class MusicTrackRecord
{
    [JsonPropertyName("encoded")]
    public string Encoded { get; set; } = "";

    [JsonPropertyName("title")]
    public string Title { get; set; } = "";

    [JsonPropertyName("author")]
    public string Author { get; set; } = "";

    [JsonPropertyName("lengthMs")]
    public long LengthMs { get; set; }

    [JsonPropertyName("uri")]
    public string? Uri { get; set; }

    [JsonPropertyName("isStream")]
    public bool IsStream { get; set; }

    [JsonPropertyName("requesterId")]
    public string RequesterId { get; set; } = "0";

    [JsonPropertyName("entryId")]
    public long EntryId { get; set; }
}

[JsonSerializable(typeof(MusicSessionBody))]
internal sealed partial class MusicStorageJsonContext : JsonSerializerContext;
