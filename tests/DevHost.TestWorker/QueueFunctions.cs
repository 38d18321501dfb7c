using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Serverless.DevHost.TestWorker;

public sealed class QueueFunctions(ILogger<QueueFunctions> logger)
{
    /// <summary>Records the message and each trigger metadata field the host sent, bound by name.</summary>
    [Function("queue-record")]
    public void Record(
        [QueueTrigger("records", Connection = "AzureWebJobsStorage")] string message,
        string id,
        long dequeueCount,
        DateTimeOffset insertionTime,
        DateTimeOffset expirationTime,
        DateTimeOffset nextVisibleTime,
        string popReceipt,
        FunctionContext context)
    {
        logger.LogInformation("recorded queue message {Id}", id);
        Recorder.Write("queue-" + id, new
        {
            Message = message,
            Id = id,
            DequeueCount = dequeueCount,
            InsertionTime = insertionTime,
            ExpirationTime = expirationTime,
            NextVisibleTime = nextVisibleTime,
            PopReceipt = popReceipt,
            context.TraceContext.TraceParent,
        });
    }

    /// <summary>Always fails, so the message is retried and then moved to the poison queue.</summary>
    [Function("queue-fail")]
    public void Fail([QueueTrigger("failing", Connection = "AzureWebJobsStorage")] string message, long dequeueCount)
    {
        logger.LogWarning("failing on try {DequeueCount}", dequeueCount);
        throw new InvalidOperationException($"queue-fail refuses '{message}' on try {dequeueCount}");
    }
}
