using Serverless.Discord.Credentials;

namespace Serverless.Discord.Tests.Credentials;

/// <summary>A token source whose token a test replaces, counting reads; it can hold reads until released.</summary>
internal sealed class ChangingTokenSource(string? token) : IBotTokenSource
{
    private int _reads;
    private TaskCompletionSource? _hold;

    public volatile string? Token = token;

    public int Reads => Volatile.Read(ref _reads);

    public string Description => "the test's source";

    /// <summary>Reads wait until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return Token;
    }
}
