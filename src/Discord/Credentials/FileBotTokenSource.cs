namespace Serverless.Discord.Credentials;

/// <summary>
/// A file holding the token (<c>Discord__BotTokenFile</c>): a mounted secret volume, which Container Apps and
/// Kubernetes update in place when the secret is rotated. Surrounding whitespace (a trailing newline) is dropped.
/// </summary>
public sealed class FileBotTokenSource(string path) : IBotTokenSource
{
    public string Path { get; } = path;

    public string Description => $"file {Path}";

    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(Path, cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
