namespace Serverless.Domain.Telemetry;

/// <summary>One queue as the depth sampler saw it: about how many messages wait, and when the oldest visible one was put.</summary>
/// <param name="OldestInsertedOn">Null when no message is visible (the queue is empty, missing, or all its messages are being worked on).</param>
public sealed record QueueBacklog(string Queue, long ApproximateCount, DateTimeOffset? OldestInsertedOn);

/// <summary>Reads a queue's depth for the metrics sampler; a queue that does not exist reads as empty, not as an error.</summary>
public interface IQueueDepthReader
{
    Task<QueueBacklog> ReadAsync(string queue, CancellationToken cancellationToken);
}
