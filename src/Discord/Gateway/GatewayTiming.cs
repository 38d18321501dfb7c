namespace Serverless.Discord.Gateway;

internal static class GatewayTiming
{
    /// <summary>
    /// Waits until an absolute time on <paramref name="time"/>. Deadlines are taken when the event happens, so a late
    /// start of the wait does not push the deadline back.
    /// </summary>
    public static Task DelayUntilAsync(this TimeProvider time, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var wait = deadline - time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Capped exponential back-off with jitter (50-100 % of the step), so shards that failed together spread out.</summary>
    public static TimeSpan Backoff(int consecutiveFailures, TimeSpan baseDelay, TimeSpan maxDelay, Random random)
    {
        var exponent = Math.Min(Math.Max(consecutiveFailures - 1, 0), 16);
        var step = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(step * (0.5 + (random.NextDouble() / 2)));
    }
}
