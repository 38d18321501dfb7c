using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Serverless.DevHost.Invocation;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Worker;

/// <summary>The worker's event stream ended: the process exited, the connection broke, or the DevHost is stopping.</summary>
internal sealed class WorkerChannelClosedException(string message) : Exception(message);

/// <summary>
/// One worker's <c>EventStream</c>: what the DevHost sends goes through an outbound queue (gRPC allows one writer at
/// a time), and each answer completes the request waiting for it: init and indexing by type, loads by function id,
/// invocations by invocation id. <c>RpcLog</c> lines are logged under <c>Function.{name}</c> when they belong to an
/// invocation. When the stream ends every waiting request fails with the reason.
/// </summary>
internal sealed partial class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerInitResponse> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FunctionMetadataResponse> _metadata = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, PendingInvocation> _invocations = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ILogger> _functionLoggers = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public WorkerChannel(string workerId, ILoggerFactory loggerFactory)
    {
        WorkerId = workerId;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Serverless.DevHost.Worker");
    }

    public string WorkerId { get; }

    /// <summary>Completes when the worker has opened its stream and said who it is.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes with the reason when the stream has ended.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>Serves the stream until it ends: reads the worker's messages and writes ours.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> reader, IServerStreamWriter<StreamingMessage> writer, CancellationToken cancellationToken)
    {
        _connected.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAllAsync(writer, stop.Token);
        try
        {
            while (await reader.MoveNext(stop.Token))
            {
                Dispatch(reader.Current);
            }

            Close("the worker ended its event stream");
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or Grpc.Core.RpcException or InvalidOperationException)
        {
            Close($"the worker's event stream broke ({exception.Message})");
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await writing;
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or Grpc.Core.RpcException or InvalidOperationException)
            {
                // The stream is gone; nothing more can be written.
            }
        }
    }

    /// <summary>Queues a message for the worker; dropped if the stream has ended.</summary>
    public void Send(StreamingMessage message) => _outbound.Writer.TryWrite(message);

    public async Task<WorkerInitResponse> InitAsync(WorkerInitRequest request, CancellationToken cancellationToken)
    {
        Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), WorkerInitRequest = request });
        return await _init.Task.WaitAsync(cancellationToken);
    }

    public async Task<FunctionMetadataResponse> IndexAsync(string functionAppDirectory, CancellationToken cancellationToken)
    {
        Send(new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = functionAppDirectory },
        });
        return await _metadata.Task.WaitAsync(cancellationToken);
    }

    public async Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<FunctionLoadResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loads[request.FunctionId] = answer;
        FailIfClosed(answer);
        Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionLoadRequest = request });
        return await answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends an invocation and waits for its response. After <paramref name="timeout"/> (functionTimeout) it sends
    /// <c>InvocationCancel</c> and fails the invocation; the worker's log lines for it are returned with the result.
    /// </summary>
    public async Task<InvocationResult> InvokeAsync(InvocationRequest request, string functionName, TimeSpan? timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var pending = new PendingInvocation(functionName);
        _invocations[request.InvocationId] = pending;
        FailIfClosed(pending.Answer);
        using var limit = timeout is { } value ? new CancellationTokenSource(value, timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
            var response = await pending.Answer.Task.WaitAsync(linked.Token);
            return response.Result?.Status switch
            {
                StatusResult.Types.Status.Success => InvocationResult.Success(pending.Logs),
                StatusResult.Types.Status.Cancelled => InvocationResult.Failure("the worker cancelled the invocation", pending.Logs),
                _ => InvocationResult.Failure(Describe(response.Result), pending.Logs),
            };
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            return InvocationResult.Failure($"timed out after functionTimeout {timeout}", pending.Logs);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up (the DevHost is stopping, or the HTTP client went away): tell the worker, as the host does.
            Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            throw;
        }
        catch (WorkerChannelClosedException exception)
        {
            return InvocationResult.Failure(exception.Message, pending.Logs);
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Ends the channel: every waiting request fails with <paramref name="reason"/>, and nothing more is sent.</summary>
    public void Close(string reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return;
        }

        _outbound.Writer.TryComplete();
        var exception = new WorkerChannelClosedException($"the worker went away: {reason}");
        _init.TrySetException(exception);
        _metadata.TrySetException(exception);
        foreach (var load in _loads.Values)
        {
            load.TrySetException(exception);
        }

        foreach (var invocation in _invocations.Values)
        {
            invocation.Answer.TrySetException(exception);
        }
    }

    /// <summary>A failed status as one line: the result text, else the exception's type and message.</summary>
    internal static string Describe(StatusResult? result)
    {
        if (result is null)
        {
            return "the worker sent no result";
        }

        if (result.Exception is { } exception && (exception.Message.Length > 0 || exception.Type.Length > 0))
        {
            return exception.Type.Length > 0 ? $"{exception.Type}: {exception.Message}" : exception.Message;
        }

        return result.Result.Length > 0 ? result.Result : $"status {result.Status}";
    }

    private void FailIfClosed<T>(TaskCompletionSource<T> answer)
    {
        // A request registered just after Close ran would wait forever.
        if (_closed.Task.IsCompleted)
        {
            answer.TrySetException(new WorkerChannelClosedException($"the worker went away: {_closed.Task.Result}"));
        }
    }

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> writer, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await writer.WriteAsync(message, cancellationToken);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                _init.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                _metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (_loads.TryRemove(message.FunctionLoadResponse.FunctionId, out var load))
                {
                    load.TrySetResult(message.FunctionLoadResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.Answer.TrySetResult(message.InvocationResponse);
                }
                else
                {
                    Log.UnknownInvocation(_logger, message.InvocationResponse.InvocationId);
                }

                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                OnLog(message.RpcLog);
                break;
            default:
                Log.Ignored(_logger, message.ContentCase);
                break;
        }
    }

    private void OnLog(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        if (level == LogLevel.None)
        {
            return;
        }

        var text = log.Exception is { } exception && (exception.Message.Length > 0 || exception.Type.Length > 0)
            ? $"{log.Message} ({(exception.Type.Length > 0 ? exception.Type + ": " : string.Empty)}{exception.Message})"
            : log.Message;
        if (log.InvocationId.Length > 0 && _invocations.TryGetValue(log.InvocationId, out var invocation))
        {
            invocation.AddLog(text);

            // The host's category for a function's own logs is Function.{name}.
            var logger = _functionLoggers.GetOrAdd(invocation.FunctionName, name => _loggerFactory.CreateLogger("Function." + name));
            Log.FunctionLog(logger, level, invocation.FunctionName, text, log.InvocationId);
        }
        else
        {
            Log.WorkerLog(_logger, level, log.Category, text);
        }
    }

    private sealed class PendingInvocation(string functionName)
    {
        private readonly List<string> _logs = [];

        public string FunctionName { get; } = functionName;

        public TaskCompletionSource<InvocationResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Logs
        {
            get
            {
                lock (_logs)
                {
                    return [.. _logs];
                }
            }
        }

        public void AddLog(string line)
        {
            lock (_logs)
            {
                _logs.Add(line);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Message = "{FunctionName}: {Line} (Id={InvocationId})")]
        public static partial void FunctionLog(ILogger logger, LogLevel level, string functionName, string line, string invocationId);

        [LoggerMessage(EventId = 303, Message = "[worker] {Category}: {Line}")]
        public static partial void WorkerLog(ILogger logger, LogLevel level, string category, string line);

        [LoggerMessage(EventId = 304, Level = LogLevel.Debug, Message = "The worker answered invocation {InvocationId}, which is not waiting (timed out or cancelled)")]
        public static partial void UnknownInvocation(ILogger logger, string invocationId);

        [LoggerMessage(EventId = 305, Level = LogLevel.Debug, Message = "Ignored a {MessageType} message from the worker")]
        public static partial void Ignored(ILogger logger, StreamingMessage.ContentOneofCase messageType);
    }
}
