namespace Serverless.Ports.Sessions;

/// <summary>
/// Remembers the Lavalink session id across companion restarts: reconnecting with it resumes the session, so
/// players keep playing, instead of rebuilding every player in a new one.
/// </summary>
public interface ILavalinkSessionStore
{
    Task<string?> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(string sessionId, CancellationToken cancellationToken);
}
