using System.Diagnostics;
using Serverless.DevHost.Rpc;

namespace Serverless.DevHost.Invocation;

/// <summary>
/// The <c>TraceContext</c> of an <c>InvocationRequest</c>, as the host fills it from its own span for the invocation
/// (ScriptInvocationContextExtensions.GetRpcTraceContext): the W3C id of a new span, under the incoming request's
/// <c>traceparent</c> when it carried a valid one, else in a trace of its own (every queue or timer invocation, and an
/// HTTP request without one); and the attributes the host adds (<c>OperationName</c>, the function's name).
/// </summary>
internal static class InvocationTraceContext
{
    public const string OperationNameAttribute = "OperationName";

    public static RpcTraceContext Create(string? incomingTraceParent, string? incomingTraceState, string functionName)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        var hasParent = ActivityContext.TryParse(incomingTraceParent, incomingTraceState, isRemote: true, out var parent)
            && parent.TraceId != default;
        var traceId = hasParent ? parent.TraceId : ActivityTraceId.CreateRandom();

        // A fresh trace is sampled, as the host's own span is when telemetry is on; a continued one keeps the caller's choice.
        var flags = hasParent ? parent.TraceFlags : ActivityTraceFlags.Recorded;
        var context = new RpcTraceContext
        {
            TraceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{(int)flags:x2}",
            TraceState = hasParent ? incomingTraceState ?? string.Empty : string.Empty,
        };
        context.Attributes[OperationNameAttribute] = functionName;
        return context;
    }
}
