namespace Serverless.Sandbox.Recording;

/// <summary>Keeps every API call in order and wakes tests waiting for one.</summary>
/// <param name="recorded">Told of each call once it is recorded (the console's event stream).</param>
internal sealed class CallRecorder(int capacity, Action<RecordedCall>? recorded = null)
{
    private readonly ObservedLog<RecordedCall> _calls = new(capacity, "call");

    /// <summary>The sequence number the next recorded call will get.</summary>
    public long NextSequence => _calls.NextIndex;

    public IReadOnlyList<RecordedCall> Snapshot() => _calls.Snapshot();

    public IReadOnlyList<RecordedCall> Since(long sequence) => [.. _calls.Snapshot().Where(call => call.Sequence >= sequence)];

    public void Clear() => _calls.Clear();

    /// <summary>Records a call; <paramref name="create"/> receives its sequence number.</summary>
    public RecordedCall Add(Func<long, RecordedCall> create)
    {
        var call = _calls.Add(create);
        recorded?.Invoke(call);
        return call;
    }

    public Task<RecordedCall> WaitAsync(Func<RecordedCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return _calls.WaitAsync(predicate, timeout, cancellationToken);
    }
}
