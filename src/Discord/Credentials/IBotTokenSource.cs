namespace Serverless.Discord.Credentials;

/// <summary>
/// Where the bot token comes from: read again after Discord refuses the token in use, so a rotated secret is
/// picked up without a restart.
/// </summary>
public interface IBotTokenSource
{
    /// <summary>Names the source for logs and errors (a setting, a file path, a secret URI); never the token.</summary>
    string Description { get; }

    /// <summary>The token as the source holds it now, or null when the source holds none.</summary>
    Task<string?> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>A token that never changes: tests and callers that hold the token themselves.</summary>
public sealed class FixedBotTokenSource(string? token) : IBotTokenSource
{
    public string Description => "a fixed token";

    public Task<string?> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(token) ? null : token.Trim());
}
