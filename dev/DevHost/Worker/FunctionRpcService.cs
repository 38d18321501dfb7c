using Grpc.Core;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>The host's gRPC service: each worker opens one <c>EventStream</c>, handed to the supervisor that started it.</summary>
internal sealed class FunctionRpcService(WorkerSupervisor supervisor) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return supervisor.AcceptStreamAsync(requestStream, responseStream, context.CancellationToken);
    }
}
