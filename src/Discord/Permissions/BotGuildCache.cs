namespace Serverless.Discord.Permissions;

/// <summary>
/// A small time-limited map of guild id to <see cref="BotGuild"/>, on the injected clock. Bounded: a new guild in a
/// full map pushes out the oldest entry (expired ones are always the oldest). Finding it is a scan, cheap at a few
/// thousand entries and only paid when full.
/// </summary>
internal sealed class BotGuildCache(TimeProvider timeProvider, TimeSpan lifetime, int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, (BotGuild Guild, DateTimeOffset StoredAt)> _entries = [];

    public BotGuild? TryGet(ulong guildId)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(guildId, out var entry))
            {
                return null;
            }

            if (now - entry.StoredAt < lifetime)
            {
                return entry.Guild;
            }

            _entries.Remove(guildId);
            return null;
        }
    }

    public void Add(ulong guildId, BotGuild guild)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.ContainsKey(guildId) && _entries.Count >= capacity)
            {
                _entries.Remove(_entries.MinBy(e => e.Value.StoredAt).Key);
            }

            _entries[guildId] = (guild, now);
        }
    }
}
