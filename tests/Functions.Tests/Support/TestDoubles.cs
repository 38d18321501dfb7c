using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Serverless.Domain.Commands;
using Serverless.Domain.Features.Status;

namespace Serverless.Functions.Tests.Support;

/// <summary>Records what the endpoint queues, and on which queue; can be told to fail like an unreachable storage account.</summary>
public sealed class RecordingDeferredQueue : IDeferredCommandQueue
{
    public ConcurrentQueue<DeferredCommand> Enqueued { get; } = new();

    /// <summary>The queue each of <see cref="Enqueued"/> went to, in the same order.</summary>
    public ConcurrentQueue<DeferredWorkQueue> Targets { get; } = new();

    public Exception? FailWith { get; set; }

    /// <summary>Never completes until cancelled, like a storage account that does not answer.</summary>
    public bool Hang { get; set; }

    public async Task EnqueueAsync(DeferredCommand command, DeferredWorkQueue queue, CancellationToken cancellationToken)
    {
        if (FailWith is not null)
        {
            throw FailWith;
        }

        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        Enqueued.Enqueue(command);
        Targets.Enqueue(queue);
    }
}

public sealed class InMemoryLedger : IInteractionLedger
{
    public ConcurrentDictionary<ulong, string> Completed { get; } = new();

    public Task<bool> IsCompletedAsync(ulong interactionId, CancellationToken cancellationToken) =>
        Task.FromResult(Completed.ContainsKey(interactionId));

    public Task MarkCompletedAsync(ulong interactionId, string commandName, CancellationToken cancellationToken)
    {
        Completed[interactionId] = commandName;
        return Task.CompletedTask;
    }
}

/// <summary>Canned Discord answers by "METHOD path-suffix", recording every request.</summary>
public sealed class CannedDiscordHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<HttpResponseMessage>> _answers = new();

    public ConcurrentQueue<(HttpMethod Method, string Path, string? Body, string? Authorization)> Requests { get; } = new();

    public void Answer(string method, string pathSuffix, HttpStatusCode status, string json) =>
        _answers[$"{method} {pathSuffix}"] = () => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        Requests.Enqueue((request.Method, path, body, request.Headers.Authorization?.ToString()));
        foreach (var (key, answer) in _answers)
        {
            var parts = key.Split(' ', 2);
            if (parts[0] == request.Method.Method && path.EndsWith(parts[1], StringComparison.Ordinal))
            {
                return answer();
            }
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"message":"Unknown Webhook","code":10015}""", Encoding.UTF8, "application/json") };
    }
}

/// <summary>The companion's heartbeat row without storage; can be told to fail like an unreachable account.</summary>
public sealed class InMemoryCompanionHeartbeatStore : ICompanionHeartbeatStore
{
    private CompanionHeartbeat? _latest;

    public Exception? FailWith { get; set; }

    public Task WriteAsync(CompanionHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _latest, heartbeat);
        return Task.CompletedTask;
    }

    public Task<CompanionHeartbeat?> ReadAsync(CancellationToken cancellationToken) =>
        FailWith is not null ? Task.FromException<CompanionHeartbeat?>(FailWith) : Task.FromResult(Volatile.Read(ref _latest));
}
