namespace Serverless.Functions.Hosting;

/// <summary>How a queue or timer function's work ended; anything but <see cref="Retry"/> ends the invocation normally.</summary>
public enum QueueWorkResult
{
    Completed,

    /// <summary>Nothing to do: already done, or too late to matter. The message is removed.</summary>
    Skipped,

    /// <summary>Failed: the invocation fails, so the host makes the message visible again and, after maxDequeueCount, poisons it.</summary>
    Retry,
}

/// <summary>
/// The end of one run. The work logs its own outcome through <see cref="ILogger"/>; <see cref="Reason"/> only says why a
/// run is to be retried, in words fit for the host's failure record: no message content, token or key.
/// </summary>
public sealed record QueueWorkOutcome(QueueWorkResult Result, string? Reason = null)
{
    public static QueueWorkOutcome Completed { get; } = new(QueueWorkResult.Completed);

    public static QueueWorkOutcome Skipped { get; } = new(QueueWorkResult.Skipped);

    public static QueueWorkOutcome Retry(string reason) => new(QueueWorkResult.Retry, reason);

    /// <summary>Fails the invocation when the work asks for a retry: the only way the host learns it.</summary>
    /// <exception cref="FunctionRunFailedException">The result is <see cref="QueueWorkResult.Retry"/>.</exception>
    public void ThrowIfRetry(string functionName)
    {
        if (Result == QueueWorkResult.Retry)
        {
            throw new FunctionRunFailedException(functionName, Reason ?? "the work asked for a retry");
        }
    }
}

/// <summary>Thrown by a function adapter so the host records the run as failed and, for a queue, delivers the message again.</summary>
public sealed class FunctionRunFailedException : Exception
{
    public FunctionRunFailedException(string functionName, string reason)
        : base($"{functionName} failed: {reason}")
    {
        FunctionName = functionName;
    }

    public string FunctionName { get; }
}
