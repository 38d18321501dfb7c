namespace Serverless.Sandbox.Recording;

/// <summary>Keeps every API call in order and wakes tests waiting for one.</summary>
internal sealed class CallRecorder(int capacity)
{
    private readonly ObservedLog<RecordedCall> _calls = new(capacity, "call");

    /// <summary>The sequence number the next recorded call will get.</summary>
    public long NextSequence => _calls.NextIndex;

    public IReadOnlyList<RecordedCall> Snapshot() => _calls.Snapshot();

    public IReadOnlyList<RecordedCall> Since(long sequence) => [.. _calls.Snapshot().Where(call => call.Sequence >= sequence)];

    public void Clear() => _calls.Clear();

    /// <summary>Records a call; <paramref name="create"/> receives its sequence number.</summary>
    public RecordedCall Add(Func<long, RecordedCall> create) => _calls.Add(create);

    public Task<RecordedCall> WaitAsync(Func<RecordedCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return _calls.WaitAsync(predicate, timeout, cancellationToken);
    }
}
