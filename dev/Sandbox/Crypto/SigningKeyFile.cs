namespace Serverless.Sandbox.Crypto;

/// <summary>Keeps the signing seed in a file so a restarted sandbox keeps its public key (and the bot's configuration stays valid).</summary>
internal static class SigningKeyFile
{
    /// <summary>Reads the seed from <paramref name="path"/>, or creates the file with a new seed, readable by the owner only.</summary>
    /// <returns>The seed as hex, and whether the file was created.</returns>
    public static async Task<(string SeedHex, bool Created)> LoadOrCreateAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            var text = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (!SigningKey.IsValidSeedHex(text))
            {
                throw new InvalidDataException($"The key file '{path}' does not hold a 64-character hex Ed25519 seed.");
            }

            return (text.ToLowerInvariant(), false);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var seed = SigningKey.NewSeedHex();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, not afterwards, so the seed is never readable by others even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(seed.AsMemory(), cancellationToken);
        }

        return (seed, true);
    }
}
