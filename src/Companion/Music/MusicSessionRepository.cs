using System.Collections.Concurrent;
using Serverless.Companion.Lavalink;
using Serverless.Domain.Features.Music;

namespace Serverless.Companion.Music;

/// <summary>
/// The sessions as the companion sees them: read through a cache (the companion is their main writer, and every
/// guild's work is serialized by <see cref="GuildSerialExecutor"/>), written through the store after every change.
/// A change is a delegate so that, when the stored version moved on (an ETag conflict), it is applied again to a
/// fresh read instead of overwriting someone else's write. Call only from inside the guild's work.
/// </summary>
public sealed class MusicSessionRepository(IMusicSessionStore store) : IPlayingPlayerCount
{
    public const int MaxConflictRetries = 3;

    private readonly ConcurrentDictionary<ulong, StoredMusicSession> _cache = new();

    public async Task<MusicSession?> GetAsync(ulong guildId, CancellationToken cancellationToken) =>
        (await LoadAsync(guildId, cancellationToken))?.Session;

    /// <summary>The cached session without a storage read (null when not cached); for decisions outside the guild's work.</summary>
    public MusicSession? Peek(ulong guildId) => _cache.TryGetValue(guildId, out var stored) ? stored.Session : null;

    /// <summary>
    /// Applies <paramref name="change"/> to the guild's session (or to <paramref name="create"/>'s new one when it has
    /// none) and saves it, retrying on conflicts; returns the saved session, or null when there is none and no
    /// <paramref name="create"/>. <paramref name="change"/> may run more than once: keep it free of side effects.
    /// </summary>
    public async Task<MusicSession?> UpdateAsync(ulong guildId, Action<MusicSession> change, CancellationToken cancellationToken, Func<MusicSession>? create = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await LoadAsync(guildId, cancellationToken);
            var session = stored?.Session ?? create?.Invoke();
            if (session is null)
            {
                return null;
            }

            try
            {
                change(session);
                var version = await store.SaveAsync(session, stored?.Version, cancellationToken);
                _cache[guildId] = new StoredMusicSession(session, version);
                return session;
            }
            catch (MusicSessionConflictException) when (attempt < MaxConflictRetries)
            {
                // The cached copy was changed in place: drop it and read what is stored now.
                _cache.TryRemove(guildId, out _);
            }
            catch
            {
                _cache.TryRemove(guildId, out _);
                throw;
            }
        }
    }

    /// <summary>
    /// Guilds whose session has a current track that is not paused: what the bot means to be playing, for the
    /// <c>lavalink.players</c> gauge. Every session the companion works on is in the cache, so it needs no storage read.
    /// </summary>
    public int PlayingPlayers
    {
        get
        {
            var playing = 0;
            foreach (var (_, stored) in _cache)
            {
                if (stored.Session is { Current: not null, Paused: false })
                {
                    playing++;
                }
            }

            return playing;
        }
    }

    public async Task DeleteAsync(ulong guildId, CancellationToken cancellationToken)
    {
        _cache.TryRemove(guildId, out _);
        await store.DeleteAsync(guildId, expectedVersion: null, cancellationToken);
    }

    public Task<IReadOnlyList<ulong>> ListActiveGuildsAsync(CancellationToken cancellationToken) => store.ListActiveGuildsAsync(cancellationToken);

    /// <summary>Forgets cached copies, e.g. after Lavalink lost every player, so the next reads are fresh.</summary>
    public void Forget(ulong guildId) => _cache.TryRemove(guildId, out _);

    private async Task<StoredMusicSession?> LoadAsync(ulong guildId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(guildId, out var cached))
        {
            return cached;
        }

        var stored = await store.GetAsync(guildId, cancellationToken);
        if (stored is not null)
        {
            _cache[guildId] = stored;
        }

        return stored;
    }
}
