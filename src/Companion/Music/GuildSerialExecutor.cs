namespace Serverless.Companion.Music;

/// <summary>
/// Runs one guild's music work one piece at a time, in the order it was handed in: a command, a Lavalink event and an
/// idle timer for the same guild never interleave (they all read, change and write the same session), while guilds run
/// in parallel. The order is fixed when <see cref="RunAsync{T}"/> is called, before it returns, so a caller that does
/// not wait (Lavalink's receive loop) still keeps each guild's events in order.
/// Work must not wait for other work of its own guild (it would wait forever).
/// </summary>
public sealed class GuildSerialExecutor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Task> _last = [];

    /// <summary>
    /// Queues <paramref name="work"/> behind the guild's earlier work. <paramref name="cancellationToken"/> ends the
    /// caller's wait at once; work cancelled before its turn does not run, and later work still waits for the earlier.
    /// </summary>
    public Task<T> RunAsync<T>(ulong guildId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var turnDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_lock)
        {
            previous = _last.GetValueOrDefault(guildId) ?? Task.CompletedTask;
            _last[guildId] = turnDone.Task;
        }

        return RunInTurnAsync(guildId, previous, turnDone, work, cancellationToken);
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

    private async Task<T> RunInTurnAsync<T>(ulong guildId, Task previous, TaskCompletionSource turnDone, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Cancelled while waiting: the turn still ends only after the earlier work has.
            _ = EndTurnAsync(guildId, previous, turnDone);
        }
    }

    private async Task EndTurnAsync(ulong guildId, Task previous, TaskCompletionSource turnDone)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_lock)
        {
            if (_last.TryGetValue(guildId, out var last) && last == turnDone.Task)
            {
                _last.Remove(guildId);
            }
        }

        turnDone.SetResult();
    }
}
