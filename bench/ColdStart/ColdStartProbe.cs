using System.Net.Http;
using Serverless.Bench;
using Serverless.DevHost;

namespace Serverless.ColdStart;

/// <summary>
/// One run, in milliseconds from the worker's start: its init response, its functions loaded (both NaN when the
/// DevHost did not log them) and the first PONG; the first request's time inside the DevHost; the worker's memory
/// at the PONG.
/// </summary>
internal sealed record RunResult(bool Answered, double InitializedMs, double LoadedMs, double Milliseconds, double FirstRequestMs, ProcessMemory Memory, int Attempts, string? Failure)
{
    public static RunResult Failed(string failure, int attempts) => new(false, double.NaN, double.NaN, 0, double.NaN, default, attempts, failure);
}

/// <summary>
/// One cold start: a DevHost (in this process) starts the app's worker; signed PINGs go to the DevHost's
/// <c>/api/interactions</c> until one is answered 200 <c>{"type":1}</c>. The figure runs from the moment the
/// DevHost started the worker process (<see cref="FunctionsDevHost.WorkerStartedAt"/>, taken as the process
/// starts) to that answer; the DevHost's own start-up before it (its gRPC server) is not counted.
/// </summary>
internal sealed class ColdStartProbe(SignedPing ping, PingClient client, OutputTail tail, StartupMilestones milestones)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);

    public async Task<RunResult> RunAsync(BenchApp app)
    {
        tail.Clear();
        milestones.Clear();
        ping.Sign();
        using var loggerFactory = tail.CreateFactory(milestones);
        using var deadline = new CancellationTokenSource(Timeout);
        RunResult result;
        FunctionsDevHost? host = null;
        try
        {
            host = await app.StartDevHostAsync(loggerFactory, deadline.Token);
            result = await PingUntilPongAsync(host, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            result = RunResult.Failed($"no PONG within {Timeout.TotalSeconds:0} s{tail.Describe()}", 0);
        }
        catch (DevHostException exception)
        {
            result = RunResult.Failed($"the DevHost did not start: {exception.Message}{tail.Describe()}", 0);
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        // Read once the DevHost has stopped: it logs a request's time after the answer has gone out.
        return result.Answered
            ? result with { InitializedMs = milestones.InitializedMs, LoadedMs = milestones.LoadedMs, FirstRequestMs = milestones.FirstRequestMs }
            : result;
    }

    private async Task<RunResult> PingUntilPongAsync(FunctionsDevHost host, CancellationToken cancellationToken)
    {
        var uri = BenchApp.InteractionsUri(host);
        var attempts = 0;
        string? lastAnswer = null;
        while (true)
        {
            attempts++;
            try
            {
                var (pong, answer) = await client.SendAsync(uri, cancellationToken);
                var answeredAt = TimeProvider.System.GetUtcNow();
                if (pong)
                {
                    if (host is not { WorkerProcessId: { } workerId, WorkerStartedAt: { } workerStartedAt })
                    {
                        return RunResult.Failed($"answered, but the DevHost has no worker process{tail.Describe()}", attempts);
                    }

                    var memory = ProcessMemory.Read(workerId);
                    return new RunResult(true, double.NaN, double.NaN, (answeredAt - workerStartedAt).TotalMilliseconds, double.NaN, memory, attempts, null);
                }

                // The DevHost answers 503 while no worker is ready; anything else is a wrong answer.
                if (!answer.StartsWith("503", StringComparison.Ordinal))
                {
                    return RunResult.Failed($"answered {answer} instead of 200 {SignedPing.Pong}{tail.Describe()}", attempts);
                }

                lastAnswer = answer;
            }
            catch (HttpRequestException exception)
            {
                lastAnswer = exception.Message;
            }

            // Not Task.Delay: its timer fires every ~4 ms here, which would blur the figures by as much.
            Thread.Sleep(PollInterval);
            if (cancellationToken.IsCancellationRequested)
            {
                return RunResult.Failed($"no PONG within {Timeout.TotalSeconds:0} s (last: {lastAnswer ?? "none"}){tail.Describe()}", attempts);
            }
        }
    }
}
