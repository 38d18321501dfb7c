using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.TestSupport;

namespace ScheduledPostsBench;

/// <summary>
/// Sees every storage request (each retry too, as <c>StorageAccount</c> places it per retry): counts and times it
/// by service, table or queue, and kind, and holds the fake clock while it is in flight, so storage time never
/// counts as rate-limit time.
/// </summary>
internal sealed class StorageOperations(InFlight inFlight, int tablePort) : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, OperationStats> _stats = new(StringComparer.Ordinal);
    private int _retries;

    public int Total => _stats.Values.Sum(stats => stats.Count);

    public int TableTotal => _stats.Where(pair => pair.Key.StartsWith("table ", StringComparison.Ordinal)).Sum(pair => pair.Value.Count);

    public int QueueTotal => _stats.Where(pair => pair.Key.StartsWith("queue ", StringComparison.Ordinal)).Sum(pair => pair.Value.Count);

    /// <summary>By operation, e.g. <c>table scheduledpostsdue merge</c>, most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, OperationStats>> Breakdown =>
        [.. _stats.OrderByDescending(pair => pair.Value.Count).ThenBy(pair => pair.Key, StringComparer.Ordinal)];

    /// <summary>Requests that were the SDK's retries of a failed or timed-out try (each is counted in its operation too).</summary>
    public int Retries => Volatile.Read(ref _retries);

    public void Reset()
    {
        _stats.Clear();
        Volatile.Write(ref _retries, 0);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Record(message, started);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inFlight.TrackAsync(async () =>
            {
                await ProcessNextAsync(message, pipeline);
                return 0;
            });
        }
        finally
        {
            Record(message, started);
        }
    }

    private void Record(HttpMessage message, long started)
    {
        _stats.GetOrAdd(Describe(message.Request, message.Request.Uri.Port == tablePort), _ => new OperationStats())
            .Add(Stopwatch.GetElapsedTime(started));
        if (message.ProcessingContext.RetryNumber > 0)
        {
            Interlocked.Increment(ref _retries);
        }
    }

    /// <summary>Path-style (Azurite) addresses: <c>/{account}/{table}(…)</c> or <c>/{account}/{queue}/messages[/{id}]</c>.</summary>
    private static string Describe(Request request, bool isTable)
    {
        var segments = request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        var first = segments.FirstOrDefault() ?? "";
        var method = request.Method.Method;
        if (isTable)
        {
            var table = first.Split('(')[0];
            var isEntity = first.Contains("PartitionKey", StringComparison.Ordinal);
            var kind = (method, isEntity) switch
            {
                ("POST", _) when table == "Tables" => "create table",
                ("GET", true) => "read",
                ("GET", false) => "query",
                ("POST", _) => "insert",
                ("PUT", _) => "replace",
                ("PATCH" or "MERGE", _) => "merge",
                ("DELETE", _) => "delete",
                _ => method,
            };
            return $"table {table} {kind}";
        }

        var queueKind = (method, segments.Length) switch
        {
            ("PUT", 1) => "create",
            ("POST", 2) => "send",
            ("GET", 2) => "receive",
            ("DELETE", 3) => "delete",
            ("PUT", 3) => "update",
            _ => method,
        };
        return $"queue {first} {queueKind}";
    }
}

/// <summary>How often one kind of storage operation ran and how long it took (wall time, queueing in Azurite included).</summary>
internal sealed class OperationStats
{
    private int _count;
    private long _totalTicks;
    private long _maxTicks;

    public int Count => Volatile.Read(ref _count);

    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _totalTicks) / Count);

    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    public void Add(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _totalTicks, elapsed.Ticks);
        var max = Interlocked.Read(ref _maxTicks);
        while (elapsed.Ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTicks, elapsed.Ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }
}
