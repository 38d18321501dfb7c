using Azure;
using Serverless.Domain.Features.Status;
using Serverless.Storage.Queues;

namespace Serverless.Storage.Status;

/// <summary>Reads the approximate depth of every work queue and its poison queue; any answer proves storage is reachable.</summary>
public sealed class StorageStatusProbe(StorageAccount account, TimeProvider timeProvider) : IStorageStatusProbe
{
    /// <summary>A status answer must come back while the user still waits for it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<StorageStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var depths = new List<QueueDepth>();
        using var timeout = new CancellationTokenSource(Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            foreach (var queue in QueueNames.Work)
            {
                depths.Add(await DepthAsync(queue, linked.Token));
                depths.Add(await DepthAsync(QueueNames.Poison(queue), linked.Token));
            }
        }
        catch (Exception exception) when (exception is RequestFailedException or HttpRequestException or AggregateException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new StorageStatus(DependencyState.Unreachable, timeProvider.GetElapsedTime(started), depths, "storage did not answer");
        }

        return new StorageStatus(DependencyState.Ok, timeProvider.GetElapsedTime(started), depths);
    }

    private async Task<QueueDepth> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await account.Queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken);
            return new QueueDepth(queue, properties.Value.ApproximateMessagesCount);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Not created yet means nothing was ever queued there.
            return new QueueDepth(queue, 0);
        }
    }
}
