using Google.Protobuf.Collections;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Invocation;

/// <summary>Runs one invocation of a function on the worker; the seam between the triggers and the worker channel.</summary>
internal interface IFunctionInvoker
{
    /// <summary>
    /// Invokes <paramref name="functionName"/> with the trigger's input and metadata, and completes when the worker
    /// answers (or the invocation times out or the worker goes away). A failed invocation is a result, not an exception.
    /// </summary>
    Task<InvocationResult> InvokeAsync(string functionName, InvocationInput input, CancellationToken cancellationToken);
}

/// <summary>
/// What an <c>InvocationRequest</c> carries besides its ids: the trigger's <c>input_data</c> and <c>trigger_metadata</c>.
/// <see cref="InvocationId"/> is set when the caller needs to know it in advance (HTTP, to correlate the forwarded request).
/// </summary>
internal sealed record InvocationInput(IReadOnlyList<ParameterBinding> InputData, IReadOnlyDictionary<string, TypedData> TriggerMetadata)
{
    public string? InvocationId { get; init; }

    /// <summary>The incoming request's W3C <c>traceparent</c> (HTTP only), under which the invocation's span starts.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The incoming request's <c>tracestate</c>, carried on with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }

    /// <summary>Puts the input into a request, as the host does.</summary>
    public void CopyTo(RepeatedField<ParameterBinding> inputData, MapField<string, TypedData> triggerMetadata)
    {
        ArgumentNullException.ThrowIfNull(inputData);
        ArgumentNullException.ThrowIfNull(triggerMetadata);
        inputData.Add(InputData);
        foreach (var (name, value) in TriggerMetadata)
        {
            triggerMetadata[name] = value;
        }
    }
}

/// <summary>How an invocation ended: whether the worker reported success, if not why, and the worker's log lines for it.</summary>
internal sealed record InvocationResult(bool Succeeded, string? Error, IReadOnlyList<string> Logs)
{
    public static InvocationResult Success(IReadOnlyList<string>? logs = null) => new(true, null, logs ?? []);

    public static InvocationResult Failure(string error, IReadOnlyList<string>? logs = null) => new(false, error, logs ?? []);
}
