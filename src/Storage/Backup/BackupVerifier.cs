using System.Security.Cryptography;

namespace Serverless.Storage.Backup;

/// <summary>What <see cref="BackupVerifier"/> found: the manifest when it could be read, and every problem, one line each.</summary>
public sealed record BackupVerification(BackupManifest? Manifest, IReadOnlyList<string> Problems)
{
    public bool IsValid => Manifest is not null && Problems.Count == 0;
}

/// <summary>
/// Checks a backup directory before anything trusts it: the manifest is ours and not newer than this code, every
/// table it lists is one the catalog backs up, and each file has the row count and SHA-256 the manifest says, with
/// every line an entity.
/// </summary>
public static class BackupVerifier
{
    /// <param name="onRows">Called with the table and the lines read so far, now and then.</param>
    public static async Task<BackupVerification> VerifyAsync(string directory, Action<string, long>? onRows, CancellationToken cancellationToken)
    {
        BackupManifest manifest;
        try
        {
            manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            return new BackupVerification(null, [exception.Message]);
        }

        // Format and version first: a foreign or newer backup is refused before any of its files is read.
        if (!string.Equals(manifest.Format, BackupManifest.FormatId, StringComparison.Ordinal))
        {
            return new BackupVerification(null, [$"Not a backup of this bot: its format is '{manifest.Format}', this bot-ops reads '{BackupManifest.FormatId}'."]);
        }

        if (manifest.Version > BackupManifest.CurrentVersion || manifest.Version < 1)
        {
            return new BackupVerification(null, [$"The backup's format version is {manifest.Version}; this bot-ops reads versions 1 to {BackupManifest.CurrentVersion}. Use a bot-ops as new as the one that wrote it."]);
        }

        var problems = new List<string>();
        foreach (var entry in manifest.Tables ?? [])
        {
            if (BackupCatalog.Find(entry.Table) is not { BackedUp: true })
            {
                problems.Add($"{entry.Table}: not a table this bot-ops backs up.");
                continue;
            }

            if (!string.Equals(entry.File, BackupTableEntry.FileFor(entry.Table), StringComparison.Ordinal))
            {
                problems.Add($"{entry.Table}: its file must be {BackupTableEntry.FileFor(entry.Table)}, not {entry.File}.");
                continue;
            }

            problems.AddRange(await VerifyFileAsync(directory, entry, onRows, cancellationToken));
        }

        return new BackupVerification(manifest, problems);
    }

    private static async Task<IEnumerable<string>> VerifyFileAsync(string directory, BackupTableEntry entry, Action<string, long>? onRows, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, entry.File);
        if (!File.Exists(path))
        {
            return [$"{entry.Table}: {entry.File} is missing."];
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long lines = 0;
        string? badLine = null;
        await using (var stream = File.OpenRead(path))
        {
            await foreach (var line in JsonLines.ReadAsync(stream, hash, cancellationToken))
            {
                lines++;
                if (badLine is null)
                {
                    try
                    {
                        _ = EntityLineCodec.Decode(line.Span);
                    }
                    catch (InvalidDataException exception)
                    {
                        badLine = $"{entry.Table}: line {lines} of {entry.File}: {exception.Message}";
                    }
                }

                if (lines % JsonLines.ProgressEvery == 0)
                {
                    onRows?.Invoke(entry.Table, lines);
                }
            }
        }

        onRows?.Invoke(entry.Table, lines);
        var problems = new List<string>();
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{entry.Table}: {entry.File} has changed since the export (its SHA-256 differs from the manifest's).");
        }

        if (lines != entry.Rows)
        {
            problems.Add($"{entry.Table}: {entry.File} has {lines} rows, the manifest says {entry.Rows}.");
        }

        if (badLine is not null)
        {
            problems.Add(badLine);
        }

        return problems;
    }
}
