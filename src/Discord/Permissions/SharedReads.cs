namespace Serverless.Discord.Permissions;

/// <summary>
/// Reads of one key that overlap share one call: the two checks of a submitted form (the bot's and the member's) ask
/// Discord for the channel once, not twice at the same moment. Nothing is kept once the call ends, so every read
/// that starts later asks again.
/// </summary>
internal sealed class SharedReads<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Task<TValue>> _inFlight = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// Joins the read of <paramref name="key"/> under way, or starts <paramref name="read"/>. The shared call is not
    /// cancelled by one caller leaving (the others still want it); <paramref name="cancellationToken"/> only stops
    /// this caller's wait.
    /// </summary>
    public Task<TValue> ReadAsync(TKey key, Func<Task<TValue>> read, CancellationToken cancellationToken)
    {
        Task<TValue> shared;
        lock (_lock)
        {
            if (!_inFlight.TryGetValue(key, out shared!))
            {
                shared = RunAsync(key, read);
                _inFlight[key] = shared;
            }
        }

        return shared.WaitAsync(cancellationToken);
    }

    private async Task<TValue> RunAsync(TKey key, Func<Task<TValue>> read)
    {
        // Never finishes before ReadAsync has stored it, so the removal below cannot come first and leave it behind.
        await Task.Yield();
        try
        {
            return await read();
        }
        finally
        {
            lock (_lock)
            {
                _inFlight.Remove(key);
            }
        }
    }
}
