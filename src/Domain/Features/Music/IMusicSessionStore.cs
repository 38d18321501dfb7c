namespace Serverless.Domain.Features.Music;

/// <summary>
/// Where each guild's <see cref="MusicSession"/> lives between commands, events and restarts. Writes are guarded by
/// the version read: a write over a newer one throws <see cref="MusicSessionConflictException"/>, and the caller
/// reads again and reapplies its change.
/// </summary>
public interface IMusicSessionStore
{
    /// <summary>The guild's session and its version, or null when the guild has none.</summary>
    Task<StoredMusicSession?> GetAsync(ulong guildId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="session"/> if the stored version is still <paramref name="expectedVersion"/> (null: only
    /// if the guild has no session yet) and returns the new version.
    /// </summary>
    /// <exception cref="MusicSessionConflictException">Someone wrote (or created, or deleted) the session since it was read.</exception>
    Task<string> SaveAsync(MusicSession session, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Removes the guild's session; a missing one is not an error. <paramref name="expectedVersion"/> null deletes whatever is there.</summary>
    /// <exception cref="MusicSessionConflictException">The session changed since <paramref name="expectedVersion"/>.</exception>
    Task DeleteAsync(ulong guildId, string? expectedVersion, CancellationToken cancellationToken);

    /// <summary>Every guild with a stored session: after a restart each one's player is rebuilt.</summary>
    Task<IReadOnlyList<ulong>> ListActiveGuildsAsync(CancellationToken cancellationToken);
}

/// <summary>A session as read, with the opaque version (an ETag) its next write must name.</summary>
public sealed record StoredMusicSession(MusicSession Session, string Version);

/// <summary>The session changed since it was read; read it again and reapply the change.</summary>
public sealed class MusicSessionConflictException : Exception
{
    public MusicSessionConflictException()
        : this("The music session changed since it was read.")
    {
    }

    public MusicSessionConflictException(string message)
        : base(message)
    {
    }

    public MusicSessionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MusicSessionConflictException(ulong guildId, Exception? innerException = null)
        : base($"The music session of guild {guildId} changed since it was read.", innerException)
    {
        GuildId = guildId;
    }

    public ulong GuildId { get; }
}
