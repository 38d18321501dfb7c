using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The <c>post-publisher</c> queue function over queue <c>posts</c>. A run that asks for a retry (an unreadable
/// message) throws, so the host delivers it again and, after <c>maxDequeueCount</c>, moves it to <c>posts-poison</c>.
/// </summary>
public sealed class PostPublisherFunction(PostPublisher publisher)
{
    public const string QueueName = "posts";

    [Function(PostPublisher.FunctionName)]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var outcome = await publisher.RunAsync(message, cancellationToken);
        outcome.ThrowIfRetry(PostPublisher.FunctionName);
    }
}
