using Microsoft.Azure.Functions.Worker;

namespace Serverless.Functions.Interactions;

/// <summary>
/// The <c>interaction-worker</c> queue function over queue <c>interactions</c>. The host decodes the message
/// (host.json <c>messageEncoding</c>); a run that asks for a retry throws, so the host delivers the message again
/// and, after <c>maxDequeueCount</c>, moves it to <c>interactions-poison</c>.
/// </summary>
public sealed class InteractionWorkerFunction(InteractionWorker worker)
{
    public const string QueueName = "interactions";

    [Function(InteractionWorker.FunctionName)]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var outcome = await worker.RunAsync(message, cancellationToken);
        outcome.ThrowIfRetry(InteractionWorker.FunctionName);
    }
}
