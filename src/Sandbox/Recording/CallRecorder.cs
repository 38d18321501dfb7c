using System.Globalization;

namespace Serverless.Sandbox.Recording;

/// <summary>Keeps every API call in order and wakes tests waiting for one.</summary>
internal sealed class CallRecorder(int capacity)
{
    private readonly Lock _lock = new();
    private readonly List<RecordedCall> _calls = [];
    private readonly List<Waiter> _waiters = [];
    private long _nextSequence;

    /// <summary>The sequence number the next recorded call will get.</summary>
    public long NextSequence
    {
        get
        {
            lock (_lock)
            {
                return _nextSequence;
            }
        }
    }

    public IReadOnlyList<RecordedCall> Snapshot()
    {
        lock (_lock)
        {
            return [.. _calls];
        }
    }

    public IReadOnlyList<RecordedCall> Since(long sequence)
    {
        lock (_lock)
        {
            return [.. _calls.Where(call => call.Sequence >= sequence)];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _calls.Clear();
        }
    }

    /// <summary>Records a call; <paramref name="create"/> receives its sequence number.</summary>
    public RecordedCall Add(Func<long, RecordedCall> create)
    {
        List<(Waiter Waiter, Exception? Error)> woken = [];
        RecordedCall call;
        lock (_lock)
        {
            call = create(_nextSequence++);
            _calls.Add(call);
            if (_calls.Count > capacity)
            {
                _calls.RemoveRange(0, _calls.Count - capacity);
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                var (matched, error) = waiter.Test(call);
                if (matched || error is not null)
                {
                    _waiters.RemoveAt(i);
                    woken.Add((waiter, error));
                }
            }
        }

        // Completed outside the lock; continuations run asynchronously anyway.
        foreach (var (waiter, error) in woken)
        {
            if (error is null)
            {
                waiter.Completion.TrySetResult(call);
            }
            else
            {
                waiter.Completion.TrySetException(error);
            }
        }

        return call;
    }

    public async Task<RecordedCall> WaitAsync(Func<RecordedCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var waiter = new Waiter(predicate);
        lock (_lock)
        {
            var existing = _calls.FirstOrDefault(predicate);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add(waiter);
        }

        try
        {
            // Real time on purpose: this bounds how long a test waits for another process (the bot),
            // which a FakeTimeProvider driving the sandbox would never advance.
            return await waiter.Completion.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture,
                $"No matching call was recorded within {timeout.TotalSeconds:0.###} s. Last calls: {Describe(Snapshot().TakeLast(10))}"));
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private static string Describe(IEnumerable<RecordedCall> calls)
    {
        var lines = calls.Select(call => call.ToString()).ToList();
        return lines.Count == 0 ? "(none)" : string.Join("; ", lines);
    }

    private sealed class Waiter(Func<RecordedCall, bool> predicate)
    {
        public TaskCompletionSource<RecordedCall> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (bool Matched, Exception? Error) Test(RecordedCall call)
        {
            try
            {
                return (predicate(call), null);
            }
#pragma warning disable CA1031 // A throwing predicate belongs to the waiting test, not to the request being recorded.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                return (false, exception);
            }
        }
    }
}
