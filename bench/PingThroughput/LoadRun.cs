using System.Diagnostics;
using System.Net.Http;
using Serverless.Bench;

namespace Serverless.PingThroughput;

/// <summary>What one timed load run saw: answers, wrong answers, latencies in milliseconds and wall time.</summary>
internal sealed record LoadResult(long Pongs, long Wrong, string? FirstWrong, double[] LatenciesMs, TimeSpan Elapsed);

/// <summary>
/// <c>concurrency</c> loops, each sending one signed PING at a time (closed loop: the next goes when the answer
/// is in) until the duration is over. Every answer is checked; latency is request start to body read.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> RunAsync(PingClient client, Uri uri, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(client, uri, stopAt, cancellationToken), cancellationToken)).ToArray();
        var outcomes = await Task.WhenAll(loops);
        var elapsed = Stopwatch.GetElapsedTime(started);

        return new LoadResult(
            outcomes.Sum(o => (long)o.Latencies.Count),
            outcomes.Sum(o => o.Wrong),
            outcomes.Select(o => o.FirstWrong).FirstOrDefault(w => w is not null),
            [.. outcomes.SelectMany(o => o.Latencies)],
            elapsed);
    }

    private static async Task<LoopOutcome> LoopAsync(PingClient client, Uri uri, long stopAt, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(capacity: 16_384);
        long wrong = 0;
        string? firstWrong = null;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                var (pong, answer) = await client.SendAsync(uri, cancellationToken);
                if (pong)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    continue;
                }

                firstWrong ??= answer;
            }
            catch (HttpRequestException exception)
            {
                firstWrong ??= exception.Message;
            }

            wrong++;
        }

        return new LoopOutcome(latencies, wrong, firstWrong);
    }

    private sealed record LoopOutcome(List<double> Latencies, long Wrong, string? FirstWrong);
}
