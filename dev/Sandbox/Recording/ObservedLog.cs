using System.Globalization;

namespace Serverless.Sandbox.Recording;

/// <summary>An append-only, bounded record that wakes tests waiting for a matching entry: API calls, gateway payloads, voice requests.</summary>
internal sealed class ObservedLog<T>(int capacity, string what)
    where T : class
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private readonly List<Waiter> _waiters = [];
    private long _nextIndex;

    public long NextIndex
    {
        get
        {
            lock (_lock)
            {
                return _nextIndex;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _items];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _items.Clear();
        }
    }

    /// <summary>Records an entry; <paramref name="create"/> receives its index.</summary>
    public T Add(Func<long, T> create)
    {
        List<(Waiter Waiter, Exception? Error)> woken = [];
        T item;
        lock (_lock)
        {
            item = create(_nextIndex++);
            _items.Add(item);
            if (_items.Count > capacity)
            {
                _items.RemoveRange(0, _items.Count - capacity);
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (matched, error) = _waiters[i].Test(item);
                if (matched || error is not null)
                {
                    woken.Add((_waiters[i], error));
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var (waiter, error) in woken)
        {
            if (error is null)
            {
                waiter.Completion.TrySetResult(item);
            }
            else
            {
                waiter.Completion.TrySetException(error);
            }
        }

        return item;
    }

    /// <summary>The first entry matching <paramref name="predicate"/>: one already recorded, or the next one.</summary>
    public async Task<T> WaitAsync(Func<T, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(predicate);
        lock (_lock)
        {
            if (_items.FirstOrDefault(predicate) is { } existing)
            {
                return existing;
            }

            _waiters.Add(waiter);
        }

        try
        {
            // Real time on purpose: this bounds how long a test waits for another process.
            return await waiter.Completion.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            var last = Snapshot().TakeLast(10).Select(item => item.ToString()).ToList();
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"No matching {what} within {timeout.TotalSeconds:0.###} s. Last ones: {(last.Count == 0 ? "(none)" : string.Join("; ", last))}"));
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class Waiter(Func<T, bool> predicate)
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (bool Matched, Exception? Error) Test(T item)
        {
            try
            {
                return (predicate(item), null);
            }
#pragma warning disable CA1031 // A throwing predicate belongs to the waiting test, not to the connection being recorded.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                return (false, exception);
            }
        }
    }
}
