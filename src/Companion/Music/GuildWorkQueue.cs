using System.Collections.Concurrent;

namespace Serverless.Companion.Music;

/// <summary>
/// Runs one guild's music work one piece at a time: a command, a Lavalink event and an idle timer for the same guild
/// never interleave (they all read, change and write the same session), while guilds run in parallel.
/// Work must not wait for other work of its own guild (it would wait forever).
/// </summary>
public sealed class GuildWorkQueue
{
    private readonly ConcurrentDictionary<ulong, SemaphoreSlim> _gates = new();

    public async Task<T> RunAsync<T>(ulong guildId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var gate = _gates.GetOrAdd(guildId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task RunAsync(ulong guildId, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(guildId, async token =>
        {
            await work(token);
            return true;
        }, cancellationToken);
    }
}
