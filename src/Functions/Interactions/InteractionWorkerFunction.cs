using Microsoft.Azure.Functions.Worker;
using Serverless.Domain.DeferredWork;
using Serverless.Functions.Hosting;
using Serverless.Storage.Queues;

namespace Serverless.Functions.Interactions;

/// <summary>
/// The <c>interaction-worker</c> queue function over queue <c>interactions</c>: the <see cref="DeferredWorkRunner"/>
/// runs <see cref="InteractionWorker"/>. The host decodes the message (host.json <c>messageEncoding</c>). A run that
/// asks for a retry throws, so the host delivers the message again and, after <c>maxDequeueCount</c>, moves it to
/// <c>interactions-poison</c>; an unreadable message is written there at once and the invocation completes.
/// </summary>
public sealed class InteractionWorkerFunction(DeferredWorkRunner runner, InteractionWorker worker, IPoisonQueue poison)
{
    public const string QueueName = QueueNames.Interactions;

    [Function(InteractionWorker.FunctionName)]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var outcome = await runner.RunAsync(QueueName, message, worker, cancellationToken);
        switch (outcome.Result)
        {
            case DeferredWorkResult.Retry:
                throw new FunctionRunFailedException(InteractionWorker.FunctionName, outcome.Reason ?? "the work asked for a retry");
            case DeferredWorkResult.Poison:
                await poison.SendAsync(QueueName, message, cancellationToken);
                break;
        }
    }
}
