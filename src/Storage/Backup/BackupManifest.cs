using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Storage.Backup;

/// <summary>
/// <c>manifest.json</c>, written last: a directory without one is an export that did not finish. Names the account
/// the rows came from (never a key), and per table its file, row count and the file's SHA-256.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The format id of this bot's backups; any other is refused.</summary>
    public const string FormatId = "serverless-discord-bot.backup";

    /// <summary>The newest format version this code writes and reads.</summary>
    public const int CurrentVersion = 1;

    public const string FileName = "manifest.json";

    public required string Format { get; init; }

    public required int Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The storage account's name (or its endpoint for development storage): where the rows came from.</summary>
    public required string SourceAccount { get; init; }

    public required IReadOnlyList<BackupTableEntry> Tables { get; init; }

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public async Task WriteAsync(string directory, CancellationToken cancellationToken)
    {
        // Written beside, then moved: a crash never leaves a half-written manifest that looks finished.
        var path = PathIn(directory);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, this, BackupManifestJsonContext.Default.BackupManifest, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <exception cref="InvalidDataException">Missing, unreadable, or not a manifest; the message says which.</exception>
    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing: not a backup, or an export that did not finish.");
        }

        try
        {
            await using var stream = File.OpenRead(path);
            var manifest = await JsonSerializer.DeserializeAsync(stream, BackupManifestJsonContext.Default.BackupManifest, cancellationToken);
            return manifest ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not a backup manifest: {exception.Message}", exception);
        }
    }
}

/// <param name="Sha256">The file's SHA-256, lower-case hex.</param>
public sealed record BackupTableEntry(string Table, string File, long Rows, string Sha256)
{
    public static string FileFor(string table) => table + ".jsonl";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupManifestJsonContext : JsonSerializerContext;
