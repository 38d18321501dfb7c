using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.Telemetry;
using Serverless.Storage.ScheduledPosts;

namespace Serverless.Functions.Features.ScheduledPosts;

/// <summary>
/// The <c>post-publisher</c> queue function over queue <c>posts</c>. A run that asks for a retry (an unreadable
/// message) throws, so the host delivers it again and, after <c>maxDequeueCount</c>, moves it to <c>posts-poison</c>.
/// The publishing runs in a Consumer span "process posts" under the trace of the timer run that queued it.
/// </summary>
public sealed class PostPublisherFunction(PostPublisher publisher)
{
    public const string QueueName = "posts";

    [Function(PostPublisher.FunctionName)]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        using var activity = StartProcess(message);
        var outcome = await publisher.RunAsync(message, cancellationToken);
        outcome.ThrowIfRetry(PostPublisher.FunctionName);
    }

    /// <summary>The envelope is read for its trace only when someone listens.</summary>
    private static System.Diagnostics.Activity? StartProcess(string message)
    {
        if (!QueueActivities.Source.HasListeners())
        {
            return null;
        }

        var envelope = PostEnvelope.Read(message);
        var activity = QueueActivities.StartProcess(QueueName, envelope.Trace);
        QueueActivities.SetDimensions(activity, envelope.CorrelationId, envelope.GuildId, command: null, PostMessage.ScheduledPostsFeature);
        return activity;
    }
}
